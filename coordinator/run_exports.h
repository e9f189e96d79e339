// The files `run` and `demo` can leave beside their report for people to
// look at: --trace (Chrome trace-event JSON, for Perfetto / chrome://tracing),
// --shiviz (a ShiViz log), --report (one self-contained HTML page), and
// --reports DIR (a report set in a folder `serve` serves: the page, the JSON
// report, the trace and the ShiViz log, see reports/report_folder.h).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/deck/program.h"
#include "common/report/report.h"
#include "common/report/run_result.h"
#include "common/status/status.h"

namespace cardflow {

struct ExportPaths {
  std::string trace;  // empty: not wanted
  std::string shiviz;
  std::string html;
  std::string reports;  // --reports DIR; empty: no report set
  bool any() const { return !trace.empty() || !shiviz.empty() || !html.empty(); }
};

// Writes the wanted files for the reports of one deck — one report for
// `run`, naive and callbacks side by side for `demo` and `run
// --compare-ordering` — compiled as `program`. Several reports are a
// comparison: their page's steppers step together (HtmlStepping::kTogether).
//
// Each report draws one run with all its events: `remote[i]` when given
// (a run the nodes made, kept by ExecuteRuns), else for a local report a
// local replay of the first seed whose run broke an expect, missed a
// callback or stopped on an error, else of its first seed. A local replay
// with the same seed is the same run (same schedule), so the pictures show a
// run the report counted. The trace and ShiViz log draw the first report's
// run. A remote report without `remote[i]` gets no drawing (the page shows
// its histograms and facts), since a local replay is not the run the nodes
// made.
//
// A report set is named after `label` (e.g. "transfer-none") and the time;
// its JSON holds the report object, or an array of them when there are
// several. UNAVAILABLE naming the path when a file cannot be written.
// With `announce`, each file written is named there as it is written:
// "wrote r.html (seed 17)", the seed of the run it draws.
Status WriteExports(const Program& program, const std::vector<Report>& reports,
                    const ExportPaths& paths, const std::string& label,
                    const std::vector<std::optional<RunResult>>& remote = {},
                    std::ostream* announce = nullptr);

// Whether every path in `paths` can be written, checked before anything
// runs so that a long run does not end in a lost report: a file's directory
// must exist and be writable (and the file, if it exists, writable and not
// a directory); --reports DIR must be a writable directory or creatable.
// INVALID_ARGUMENT naming the flag, the path and why otherwise.
Status CheckExportPaths(const ExportPaths& paths);

// The run a local report's exports draw (see WriteExports), replayed: the
// first seed whose run broke an expect, missed a callback or stopped on an
// error (among the first 1000), else the first seed. Events and log kept.
RunResult ReplayDrawnRun(const Program& program, const Report& report);

// "transfer-none": the label of a set of one report of `deck_path`.
std::string ReportSetLabel(const std::string& deck_path, Ordering ordering);

}  // namespace cardflow
