#include "common/check/story.h"

#include <fmt/format.h>

#include <optional>
#include <utility>

#include "common/report/outcome.h"
#include "common/schedule/schedule_text.h"
#include "common/schedule/step_machine.h"

namespace cardflow {

namespace {

struct WriteSeen {
  StackId stack = 0;
  int64_t value = 0;
  size_t step = 0;
};

}  // namespace

Story TellSchedule(const Program& program, Ordering ordering, const Schedule& schedule) {
  const StepPlan plan(program);
  StepMachine machine(program, plan, ordering);
  Story story;
  size_t at = 0;  // the step being told
  const auto add_verdict = [&](std::string line) {
    story.verdict.push_back(std::move(line));
    story.verdict_steps.push_back(at);
  };
  // Per variable, the writes so far; per (stack, variable), the step of the
  // stack's latest read of it.
  std::vector<std::vector<WriteSeen>> writes(program.shared.size());
  std::vector<std::vector<std::optional<size_t>>> last_read(
      program.stacks.size(), std::vector<std::optional<size_t>>(program.shared.size()));
  for (size_t i = 0; i < schedule.size(); ++i) {
    const Step step = schedule[i];
    at = i;
    if (step.is_arrival()) {
      const StepEffect effect = machine.Apply(step);
      const Channel& ends = program.channels[step.id];
      story.steps.push_back(fmt::format("{}: {}'s callback {} (value {}) arrives at {}",
                                        FormatStep(program, step), program.stacks[ends.from].name,
                                        effect.seq, effect.value, program.stacks[ends.to].name));
      continue;
    }
    const StackId s = step.id;
    const StackProgram& stack = program.stacks[s];
    const uint32_t pc = plan.VisiblePc(s, machine.StepOf(s));
    const Instr* next = machine.NextCard(s);
    const bool in_flight =
        next != nullptr && next->op == Op::kAwait && machine.InFlight(next->channel);
    const StepEffect effect = machine.Apply(step);
    if (effect.failure) {
      story.steps.push_back(fmt::format("{}: {} — run error: {} ({})", stack.name,
                                        program.CardText(s, effect.failure_pc), effect.failure,
                                        CardPlace(program, s, effect.failure_pc)));
      add_verdict("the run stops on a run error: " +
                  RunErrorMessage(program, s, effect.failure_pc, effect.failure));
      continue;
    }
    if (pc == stack.code_size) {
      story.steps.push_back(fmt::format("{}: runs to its end", stack.name));
      continue;
    }
    const Instr& card = program.Code(s)[pc];
    const std::string_view text = program.CardText(s, pc);
    std::string line;
    switch (card.op) {
      case Op::kRead:
        line = fmt::format("{} = {}", text, effect.value);
        last_read[s][card.var] = i;
        break;
      case Op::kWrite: {
        line = fmt::format("{} = {}", text, effect.value);
        // A lost update: another stack wrote the variable after this stack
        // last read it, and this write, based on the stale read, hides it.
        if (const std::optional<size_t> read = last_read[s][card.var]) {
          for (const WriteSeen& other : writes[card.var]) {
            if (other.stack != s && other.step > *read) {
              add_verdict(fmt::format(
                  "{}'s write of {} was overwritten by {}'s write of {}: {}'s update is lost",
                  program.stacks[other.stack].name, other.value, stack.name, effect.value,
                  program.stacks[other.stack].name));
            }
          }
        }
        writes[card.var].push_back(WriteSeen{s, effect.value, i});
        break;
      }
      case Op::kNotify:
        line = fmt::format("{} — sends callback {} (value {})", text, effect.seq, effect.value);
        break;
      case Op::kAwait:
        if (effect.consumed) {
          line = fmt::format("{} — takes callback {} (value {})", text, effect.seq, effect.value);
        } else {
          line = fmt::format("{} — nothing has arrived, {} goes on", text, stack.name);
          const std::string& sender = program.stacks[program.Peer(card)].name;
          add_verdict(fmt::format("{}'s `{}` ({}) missed the callback it waits for: {}", stack.name,
                                  text, CardPlace(program, s, pc),
                                  in_flight ? fmt::format("it was still in flight from {}", sender)
                                            : fmt::format("{} had not sent it yet", sender)));
        }
        break;
      case Op::kPrint:
        line = fmt::format("{} — prints {}", text, effect.value);
        break;
      default:
        line = text;
        break;
    }
    story.steps.push_back(fmt::format("{}: {} ({})", stack.name, line, CardPlace(program, s, pc)));
  }
  at = schedule.size();
  if (machine.RunOver() && !machine.AnyFailed()) {
    FinalState state;
    state.shared = machine.table();
    for (StackId s = 0; s < program.stacks.size(); ++s) {
      state.registers.push_back(machine.RegistersOf(s));
    }
    for (const Expectation& expect : program.expects) {
      Program one;
      one.expects.push_back(expect);
      if (ExpectationsHold(one, state)) continue;
      const int64_t rhs =
          expect.rhs_is_term ? TermValue(expect.rhs_term, state) : expect.rhs_literal;
      add_verdict(fmt::format(
          "expect {} fails: {} is {}{}", expect.text, expect.lhs.label,
          TermValue(expect.lhs, state),
          expect.rhs_is_term ? fmt::format(", {} is {}", expect.rhs_term.label, rhs) : ""));
    }
  }
  return story;
}

}  // namespace cardflow
