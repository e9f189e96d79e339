// The files `run` can leave beside its report for people to look at:
// --trace (Chrome trace-event JSON, for Perfetto / chrome://tracing),
// --shiviz (a ShiViz log) and --report (one self-contained HTML page).
#pragma once

#include <string>

#include "common/deck/program.h"
#include "common/report/report.h"
#include "common/status/status.h"

namespace cardflow {

struct ExportPaths {
  std::string trace;  // empty: not wanted
  std::string shiviz;
  std::string html;
  bool any() const { return !trace.empty() || !shiviz.empty() || !html.empty(); }
};

// Replays one run of `report` locally with all its events — the first seed
// whose run broke an expect, missed a callback or stopped on an error, else
// the first seed — and writes the wanted files. A local replay with the
// same seed is the same run (same schedule), so the pictures show a run the
// report counted. UNAVAILABLE naming the path when a file cannot be written.
Status WriteExports(const Program& program, const Report& report, const ExportPaths& paths);

}  // namespace cardflow
