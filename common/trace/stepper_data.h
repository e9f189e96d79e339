// StepperData: a run as the HTML report's stepper plays it — the deck's
// stacks and cards, and the run's schedule replayed step by step through
// StepMachine (common/schedule/step_machine.h), with what each step did and
// the state after it. The page embeds this JSON in an inline
// <script type="application/json"> block; its script only draws it.
//
// StepperDeckJson(program):
//   {"stacks": [{"name", "node", "registers", "cards": [{"text", "line", "visible"}]}],
//    "shared": ["balance", ...], "channels": [{"from", "to", "name": "A>B"}],
//    "terms": ["balance", "A.a", ...]}
//
// StepperRunJson(program, ordering, run):
//   {"seed", "schedule": "B A A>B ...", "values": [...], "outcome": "balance=200 ...",
//    "expect_ok", "order_violation", "error": "..." | null,
//    "init": {"table": [...], "next": [[start, pc] | null per stack]},
//    "sent": [[value of callback 1, 2, ... ] per channel],
//    "steps": [{
//      "name": "A" | "A>B", "stack": StackId | -1, "channel": ChannelId (arrival,
//      notify, await),
//      "from": first pc the step ran, "pc": its visible card's pc (the card
//      count for an end step), "card": that card's text ("" for an end step
//      or an arrival), "op": "read" | "write" | "notify" | "await" | "print" |
//      "end" | "arrive", "var": VarId (read, write), "value", "seq", "consumed" (await), "failure":
//      reason | null, "story": the step's sentence, "marks": [verdict sentences this step caused: a
//      missed callback, a lost update, a run error; a broken expect at the last step], "table":
//      shared values after the step, "chan": [[consumed, arrived, sent] per channel after the step]
//      — the
//              callbacks in flight are sent values (arrived, sent], those in
//              the inbox (consumed, arrived],
//      "regs": the stepped stack's registers after the step (stack steps),
//      "next": [start, pc] of the stepped stack's next step, null once it
//              has ended or failed }],
//    "note": why the replay stopped early, when it did }
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
