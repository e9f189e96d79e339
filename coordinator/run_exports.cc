#include "coordinator/run_exports.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "common/local/local_runner.h"
#include "common/trace/chrome_trace.h"
#include "common/trace/html_report.h"
#include "common/trace/shiviz_log.h"
#include "coordinator/reports/report_folder.h"
#include "coordinator/witness_runs.h"

namespace cardflow {

namespace {

// Sample runs tried when looking for a failing one.
constexpr uint64_t kMaxSampleSearch = 1000;

bool Local(const Report& report) {
  return std::all_of(report.placement.begin(), report.placement.end(),
                     [](const auto& stack_node) { return stack_node.second == "local"; });
}

RunResult SampleRun(const Program& program, const Report& report) {
  const uint64_t tries = std::min<uint64_t>(report.runs, kMaxSampleSearch);
  for (uint64_t i = 0; i < tries; ++i) {
    RunResult run = RunLocalOnce(program, report.ordering, report.seed + i);
    if (WentWrong(run)) return run;
  }
  return RunLocalOnce(program, report.ordering, report.seed);
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << text;
  if (!out) return UnavailableError("cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

// The page's sections: one per report, with its drawn run when it has one
// and every outcome's witness, replayed locally, for the stepper.
std::vector<HtmlSection> Sections(const Program& program, const std::vector<Report>& reports,
                                  const std::vector<std::optional<RunResult>>& samples) {
  std::vector<HtmlSection> sections;
  for (size_t i = 0; i < reports.size(); ++i) {
    std::string title = std::string("--ordering ") + OrderingName(reports[i].ordering);
    if (samples[i]) title += ", run with seed " + std::to_string(samples[i]->seed);
    sections.push_back({std::move(title), reports[i], samples[i],
                        WitnessRuns(program, reports[i], kHtmlOutcomeRows)});
  }
  return sections;
}

// One report: its JSON object; several: an array of them.
std::string JsonOf(const std::vector<Report>& reports) {
  if (reports.size() == 1) return ReportToJson(reports.front());
  std::string out = "[\n";
  for (size_t i = 0; i < reports.size(); ++i) {
    out += ReportToJson(reports[i]);
    out.pop_back();  // the object's newline
    out += i + 1 < reports.size() ? ",\n" : "\n";
  }
  return out + "]\n";
}

}  // namespace

std::string ReportSetLabel(const std::string& deck_path, Ordering ordering) {
  return std::filesystem::path(deck_path).stem().string() + "-" + OrderingName(ordering);
}

Status WriteExports(const Program& program, const std::vector<Report>& reports,
                    const ExportPaths& paths, const std::string& label,
                    const std::vector<std::optional<RunResult>>& remote) {
  if (reports.empty() || (!paths.any() && paths.reports.empty())) return Status::Ok();
  std::vector<std::optional<RunResult>> samples(reports.size());
  for (size_t i = 0; i < reports.size(); ++i) {
    if (i < remote.size() && remote[i]) {
      samples[i] = remote[i];
    } else if (Local(reports[i])) {
      samples[i] = SampleRun(program, reports[i]);
    }
  }
  const std::optional<RunResult>& first = samples.front();
  std::optional<std::string> trace;
  if (first && (!paths.trace.empty() || !paths.reports.empty())) {
    trace = ChromeTraceJson(program, reports.front().placement, *first);
  }
  if (!paths.trace.empty() && trace) {
    if (Status s = WriteFile(paths.trace, *trace); !s.ok()) return s;
  }
  std::optional<std::string> shiviz;
  if (first && (!paths.shiviz.empty() || !paths.reports.empty())) {
    shiviz = ShivizLog(program, *first);
  }
  if (!paths.shiviz.empty() && shiviz) {
    if (Status s = WriteFile(paths.shiviz, *shiviz); !s.ok()) return s;
  }
  std::optional<std::string> page;
  if (!paths.html.empty() || !paths.reports.empty()) {
    page = HtmlReport(program, Sections(program, reports, samples));
  }
  if (!paths.html.empty()) {
    if (Status s = WriteFile(paths.html, *page); !s.ok()) return s;
  }
  if (!paths.reports.empty()) {
    const ReportFolder folder(paths.reports);
    if (Status s = folder.Create(); !s.ok()) return s;
    const std::string stem = folder.NewStem(label);
    // The page last: a set appears in the index once its JSON is there,
    // and /latest moves to it once it is complete.
    if (Status s = folder.Write(stem, ReportFileKind::kJson, JsonOf(reports)); !s.ok()) return s;
    if (trace) {
      if (Status s = folder.Write(stem, ReportFileKind::kTrace, *trace); !s.ok()) return s;
    }
    if (shiviz) {
      if (Status s = folder.Write(stem, ReportFileKind::kShiviz, *shiviz); !s.ok()) return s;
    }
    if (Status s = folder.Write(stem, ReportFileKind::kHtml, *page); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace cardflow
