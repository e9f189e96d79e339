#include "common/run/fold_run.h"

#include <fmt/format.h>

#include <utility>

#include "common/verify/verifier.h"

namespace cardflow {

RunResult FoldRun(const Program& program, const StepPlan& plan, RunEnd end, bool keep_events) {
  RunResult result;
  result.seed = end.seed;
  if (end.stop) {
    const RunStop& stop = *end.stop;
    std::string message = stop.internal ? stop.what
                          : stop.what.empty()
                              ? DeadlockMessage(program, stop.stack, stop.pc)
                              : RunErrorMessage(program, stop.stack, stop.pc, stop.what);
    result.error = RunError{stop.stack, stop.pc, std::move(message)};
  } else {
    result.values = OutcomeValues(program, end.state);
    result.expect_ok = ExpectationsHold(program, end.state);
  }
  const Verdict verdict = VerifyRun(program, end.events);
  result.order_violation = verdict.order_violations > 0;
  if (!verdict.faults.empty() && !result.error) {
    // The runtime broke its own rules: what the run ended in means nothing.
    result.values.clear();
    result.expect_ok = false;
    result.error = RunError{0, 0,
                            fmt::format("internal error: run with seed {} broke happens-before: {}",
                                        end.seed, verdict.faults.front())};
  }
  if (end.schedule.empty() && !end.events.empty()) {
    const StackId* failed = end.stop && !end.stop->internal ? &end.stop->stack : nullptr;
    end.schedule = ScheduleFromEvents(program, plan, end.events, failed);
  }
  result.schedule = std::move(end.schedule);
  if (keep_events) {
    for (const Event& event : end.events) {
      if (event.kind != EventKind::kPrint) continue;
      result.log.push_back(fmt::format("{}: {}", program.stacks[event.stack].name, event.value));
    }
    result.events = std::move(end.events);
  }
  return result;
}

}  // namespace cardflow
