// FoldRun: the one function that turns how a run ended into a RunResult,
// wherever it ran (local placement, seeded or network-shuffled nodes) — so
// a run is judged the same way on every placement.
//
// It computes the outcome and the expects from the final state, checks the
// events with the verifier (VerifyRun) whether or not the run stopped on an
// error, words run errors and deadlocks as DECK.md does, turns a broken
// happens-before rule into a run error "internal error: run with seed S
// broke happens-before: ..." (never an outcome, and exit status 1 like any
// run that did not complete), reads the schedule back from the events when
// no scheduler recorded one (--shuffle network), and derives the `print`
// lines from the print events.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/deck/program.h"
#include "common/events/event.h"
#include "common/report/outcome.h"
#include "common/report/run_result.h"
#include "common/schedule/seeded_scheduler.h"
#include "common/schedule/step.h"

namespace cardflow {

// How one run ended, before it is judged.
struct RunEnd {
  uint64_t seed = 0;
  // Set when the run stopped before every stack ended: a run error, a
  // deadlock (empty `what`) or an internal contradiction.
  std::optional<RunStop> stop;
  // When `stop` is not set: the table and every stack's registers.
  FinalState state;
  // The run's visible effects in an order consistent with happens-before
  // (a down-closed prefix of them when the run stopped early).
  std::vector<Event> events;
  // The run's schedule; empty when nobody picked the order (it is then read
  // back from `events`).
  Schedule schedule;
};

// `keep_events`: keep the events and print lines in the result (for traces
// and drawings); the schedule is always kept.
RunResult FoldRun(const Program& program, const StepPlan& plan, RunEnd end, bool keep_events);

}  // namespace cardflow
