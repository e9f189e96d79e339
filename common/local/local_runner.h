// Local placement: every stack of a deck in this process, interleaved by a
// seeded scheduler (see sequencer.h), N runs, folded into a Report.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "common/deck/program.h"
#include "common/schedule/callback_delivery.h"
#include "common/report/report.h"
#include "common/report/run_result.h"
#include "common/schedule/step.h"

namespace cardflow {

struct LocalOptions {
  Ordering ordering = Ordering::kCallbacks;
  uint64_t runs = 1;
  uint64_t seed = 1;  // run i uses seed + i
  int threads = 2;    // worker threads of the engine's executor
  // Called from a worker thread after each finished run with the number
  // finished so far; keep it cheap. May be empty.
  std::function<void(uint64_t done)> on_progress;
  // When set and it becomes true, no further run starts; the runs in flight
  // finish, and the Report counts only the runs that ran (its `runs`), which
  // are the first ones: seeds seed .. seed + runs - 1. Must outlive the call.
  const std::atomic<bool>* stop = nullptr;
  // How callbacks in flight reach their receivers; empty: FIFO per channel,
  // the real thing. Tests put a broken one here (callback_delivery.h).
  DeliveryFactory delivery;
  // A schedule every run takes first (run --schedule); the seed picks the
  // rest. Must be valid for the program (CheckSchedule).
  Schedule prefix;
};

// Runs `program` options.runs times. Same options -> same Report (apart from
// wall_seconds), whatever the thread count.
//
// Every run's events go through VerifyRun: an await that missed its callback
// is an order violation, as DECK.md counts them; a run whose events break
// happens-before (a fault of the runtime, such as a callback that overtook
// another) is reported as a run error "internal error: ... broke
// happens-before: ...", never as an outcome.
Report RunLocal(const Program& program, const LocalOptions& options);

// One run with seed `seed`, keeping its events and log: for tests, traces
// and the demo. `delivery` as in LocalOptions.
RunResult RunLocalOnce(const Program& program, Ordering ordering, uint64_t seed, int threads = 1,
                       const DeliveryFactory& delivery = {}, const Schedule& prefix = {});

}  // namespace cardflow
