// Local placement: every stack of a deck in this process, interleaved by a
// seeded scheduler (see sequencer.h), N runs, folded into a Report.
#pragma once

#include <cstdint>
#include <functional>

#include "common/deck/program.h"
#include "common/report/report.h"
#include "common/report/run_result.h"

namespace cardflow {

struct LocalOptions {
  Ordering ordering = Ordering::kCallbacks;
  uint64_t runs = 1;
  uint64_t seed = 1;  // run i uses seed + i
  int threads = 2;    // worker threads of the engine's executor
  // Called from a worker thread after each finished run with the number
  // finished so far; keep it cheap. May be empty.
  std::function<void(uint64_t done)> on_progress;
};

// Runs `program` options.runs times. Same options -> same Report (apart from
// wall_seconds), whatever the thread count.
Report RunLocal(const Program& program, const LocalOptions& options);

// One run with seed `seed`, keeping its events and log: for tests, traces
// and the demo.
RunResult RunLocalOnce(const Program& program, Ordering ordering, uint64_t seed, int threads = 1);

}  // namespace cardflow
