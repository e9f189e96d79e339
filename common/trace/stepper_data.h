// StepperData: a run as the HTML report's stepper plays it — the deck's
// stacks and cards, and the run's schedule replayed step by step through
// StepMachine (common/schedule/step_machine.h), with what each step did and
// the state after it. The page embeds this JSON in an inline
// <script type="application/json"> block; its script only draws it.
//
// Both are compact — a 10,000-step run of a 100-stack deck is read by a
// browser, so every step is an array, nothing the deck already says is
// repeated, and fields at their defaults are left out.
//
// StepperDeckJson(program):
//   {"stacks": [{"name", "node", "registers", "cards": [text, line, text, line, ...]}],
//    "texts": [[card text, visible 1|0], ...] (a card's `text` indexes it),
//    "shared": ["balance", ...], "channels": [{"from", "to", "name": "A>B"}],
//    "terms": ["balance", "A.a", ...]}
//
// StepperRunJson(program, ordering, run):
//   {"seed", "schedule": "B A A>B ...", "values": [...], "outcome": "balance=200 ...",
//    "expect_ok", "order_violation", "error": "..." | null,
//    "init": {"table": [...], "next": [[start, pc] | null per stack]},
//    "sent": [[value of callback 1, 2, ... ] per channel],
//    "steps": [[who, op, value, story, arg, chan, seq, regs, next, consumed, failure, marks]],
//    "note": why the replay stopped early, when it did }
// A step, by position (trailing 0s left out, so a missing field is 0):
//   who     the stack stepped, or -1 - channel for a callback's arrival;
//   op      index into ["read", "write", "notify", "await", "print", "end" (the stack
//           runs to its end), "arrive", "local"];
//   value   read, written, sent or taken;
//   story   the step's sentence (story.h). For a stack step it is "NAME: CARD" + story
//           + " (line N)", CARD and N those of the card at the stack's next pc before
//           the step (the pc the step deals); else [the whole sentence];
//   arg     the variable (read, write) or the channel (notify, await);
//   chan    [consumed, arrived, sent] of the channel the step touched, after it (the
//           callbacks in flight are sent values (arrived, sent], those in the inbox
//           (consumed, arrived]); 0 when it touched none;
//   seq     the callback's number (notify, await that took one, arrive);
//   regs    the stepped stack's registers after the step (stack steps);
//   next    [start, pc] of its next step, null once it has ended or failed;
//   consumed 1 when an await took a callback; failure the run error's reason;
//   marks   the verdict sentences this step caused: a missed callback, a lost update, a
//           run error; a broken expect at the last step (at most 3 a step, 200 a run).
// The shared table after a step is the one before with a write's variable
// set to its value; a channel's counts the latest `chan` given for it.
//
// The run's own schedule is replayed (RunResult::schedule); a run without
// one has no steps. Replaying stops at the first step the machine refuses,
// or once the run is over, and says so in "note". Never fails.
#pragma once

#include <string>

#include "common/deck/program.h"
#include "common/report/run_result.h"

namespace cardflow {

std::string StepperDeckJson(const Program& program);
std::string StepperRunJson(const Program& program, Ordering ordering, const RunResult& run);

}  // namespace cardflow
