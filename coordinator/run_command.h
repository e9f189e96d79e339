// `cardflow-coordinator run`: load a deck, run it N times, print the report.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/deck/program.h"
#include "common/report/report.h"
#include "common/status/status.h"
#include "coordinator/cli.h"
#include "coordinator/console.h"
#include "coordinator/coordinator_metrics.h"

namespace cardflow {

// Runs `program` (compiled from `deck_text`) as `options` place it — in this
// process, or on the named or loopback nodes — and returns the report;
// `on_progress` (may be empty) is called from worker threads with the runs
// finished so far. Fails only for remote placement: INVALID_ARGUMENT for a
// placement that names nothing (exit 2), anything else when the cluster could
// not carry the run (exit 3, see ClusterExitCode). `metrics` (may be null)
// counts the runs as they finish and the report once it is complete, and
// times the cluster's RPCs.
//
// With `drawn`, *drawn receives one run as it ran (kept while the runs go,
// on every placement: DrawnRunSink), with all its events, for the exports
// and the print lines to draw: the lowest seed among the runs that broke an
// expect, missed a callback or stopped on an error, else the lowest seed.
//
// With `stop` (may be null): once it is true no further run starts, the runs
// in flight finish, and the report counts the runs that ran (the first
// ones, by seed).
//
// With `partial`: when the cluster could not carry the runs after some
// completed (every node lost, say), *partial receives the report of those
// runs, and the error is returned as without it (with none completed,
// *partial is left empty: there is nothing to report).
StatusOr<Report> ExecuteRuns(const Program& program, const std::string& deck_text,
                             const RunOptions& options,
                             std::function<void(uint64_t done)> on_progress,
                             CoordinatorMetrics* metrics = nullptr,
                             std::optional<RunResult>* drawn = nullptr,
                             const std::atomic<bool>* stop = nullptr,
                             std::optional<Report>* partial = nullptr);

// The whole command. A deck that does not load: every diagnostic on
// console.err (`FILE:LINE:COL: error: ...`), nothing run, returns 2.
// A cluster that cannot carry the run: one message naming the node, 3.
// Otherwise the report goes to console.out in options.format, with a
// progress bar on console.err when it is a terminal, and the return value is
// ReportExitCode (0 all runs fine, 1 otherwise). An output path (--report,
// --trace, --shiviz, --reports) that cannot be written is found before the
// first run: one message naming it, 2; each file written is named on
// console.err ("wrote r.html (seed 17)"). SIGINT or SIGTERM during the runs
// stops launching runs; those in flight finish, the report of the runs that
// ran is printed after "interrupted after N of M runs" (on console.out with
// the text format, console.err with JSON), the files are written, and the
// return value is 130. A second signal ends the process at once.
int RunCommand(const RunOptions& options, Console& console);

}  // namespace cardflow
