// The index of a reports folder, as `serve` shows it: an HTML page for people
// (newest set first, what each one ran and its verdict, links to its files)
// and the same as JSON for programs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "coordinator/reports/report_folder.h"

namespace cardflow {

// One report object of a set's JSON report, as the index tells it.
struct ReportSummary {
  std::string deck;
  std::string ordering;
  uint64_t runs = 0;
  uint64_t outcomes = 0;  // distinct outcomes
  bool pass = false;      // no expect failure, order violation or run error
};

// The report objects of `set`'s JSON report, in order; empty when it has
// none or it cannot be read or parsed (the index then shows the files only).
std::vector<ReportSummary> SummarizeSet(const ReportFolder& folder, const ReportSet& set);

// `/reports/NAME`, the URL path a server gives a report file (NAME
// percent-encoded beyond [A-Za-z0-9._~-]).
std::string ReportFileUrl(const std::string& name);

// The page: self-contained (inline CSS, no script), every name escaped.
std::string IndexPage(const ReportFolder& folder, const std::vector<ReportSet>& sets);

// [{"stem", "modified" (UTC, ISO 8601), "files": {"html": URL, ...},
//   "reports": [{"deck", "ordering", "runs", "outcomes", "pass"}]}, ...],
// newest first, ending in a newline.
std::string IndexJson(const ReportFolder& folder, const std::vector<ReportSet>& sets);

}  // namespace cardflow
