#include "common/schedule/step.h"

#include <algorithm>

namespace cardflow {

StepPlan::StepPlan(const Program& program)
    : code_size_(program.stacks.size()), has_end_(program.stacks.size()) {
  visible_.reserve(static_cast<size_t>(std::count_if(
      program.code.begin(), program.code.end(), [](const Instr& i) { return IsVisible(i.op); })));
  visible_begin_.reserve(program.stacks.size() + 1);
  for (StackId s = 0; s < program.stacks.size(); ++s) {
    visible_begin_.push_back(static_cast<uint32_t>(visible_.size()));
    const auto code = program.Code(s);
    for (uint32_t pc = 0; pc < code.size(); ++pc) {
      if (IsVisible(code[pc].op)) visible_.push_back(pc);
    }
    code_size_[s] = static_cast<uint32_t>(code.size());
    has_end_[s] = code.empty() || !IsVisible(code.back().op);
  }
  visible_begin_.push_back(static_cast<uint32_t>(visible_.size()));
}

uint32_t StepPlan::StepAt(StackId stack, uint32_t pc) const {
  const auto begin = visible_.begin() + visible_begin_[stack];
  const auto end = visible_.begin() + visible_begin_[stack + 1];
  return static_cast<uint32_t>(std::lower_bound(begin, end, pc) - begin);
}

Schedule ScheduleFromEvents(const Program& program, const StepPlan& plan,
                            const std::vector<Event>& events, const StackId* failed) {
  Schedule schedule;
  schedule.reserve(events.size() + program.stacks.size());
  std::vector<uint32_t> taken(program.stacks.size(), 0);
  const auto end_if_due = [&](StackId s) {
    // Only the end step is left: the stack ran to its end right after.
    if (taken[s] + 1 == plan.Steps(s) && plan.VisiblePc(s, taken[s]) == program.Code(s).size() &&
        (failed == nullptr || *failed != s)) {
      schedule.push_back(Step::OfStack(s));
      ++taken[s];
    }
  };
  for (StackId s = 0; s < program.stacks.size(); ++s) {
    if (plan.Steps(s) == 1) end_if_due(s);  // no visible card at all
  }
  // Arrivals of callbacks nobody took change nothing a run shows, and one
  // after the last stack ended is no step of a run: leave them out.
  std::vector<uint64_t> consumed(program.channels.size(), 0);
  for (const Event& event : events) {
    if (event.kind == EventKind::kAwait && event.seq > consumed[event.channel()]) {
      consumed[event.channel()] = event.seq;
    }
  }
  for (const Event& event : events) {
    if (event.kind == EventKind::kArrive) {
      if (event.seq <= consumed[event.channel()])
        schedule.push_back(Step::Arrival(event.channel()));
      continue;
    }
    schedule.push_back(Step::OfStack(event.stack));
    ++taken[event.stack];
    end_if_due(event.stack);
  }
  if (failed != nullptr) schedule.push_back(Step::OfStack(*failed));
  return schedule;
}

}  // namespace cardflow
