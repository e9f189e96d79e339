// `cardflow-coordinator run`: load a deck, run it N times, print the report.
#pragma once

#include <cstdint>
#include <functional>

#include "common/deck/program.h"
#include "common/report/report.h"
#include "coordinator/cli.h"
#include "coordinator/console.h"

namespace cardflow {

// Runs `program` as `options` place it and returns the report; `on_progress`
// (may be empty) is called from worker threads with the runs finished so far.
// Today every placement is local; remote placement plugs in here.
Report ExecuteRuns(const Program& program, const RunOptions& options,
                   std::function<void(uint64_t done)> on_progress);

// The whole command. A deck that does not load: every diagnostic on
// console.err (`FILE:LINE:COL: error: ...`), nothing run, returns 2.
// Otherwise the report goes to console.out in options.format, with a
// progress bar on console.err when it is a terminal, and the return value is
// ReportExitCode (0 all runs fine, 1 otherwise).
int RunCommand(const RunOptions& options, Console& console);

}  // namespace cardflow
