#include "coordinator/run_exports.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>
#include <system_error>

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

namespace fs = std::filesystem;

// "" when `dir` is a directory this process can create files in, else why not.
std::string DirectoryProblem(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return "no such directory " + dir.string();
  if (!fs::is_directory(dir, ec)) return dir.string() + " is not a directory";
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    return "cannot create files in " + dir.string() + ": " + std::strerror(errno);
  }
  return "";
}

std::string FileProblem(const std::string& path) {
  const fs::path file(path);
  std::error_code ec;
  if (fs::is_directory(file, ec)) return "it is a directory";
  if (fs::exists(file, ec)) {
    return access(file.c_str(), W_OK) == 0 ? "" : std::string(std::strerror(errno));
  }
  return DirectoryProblem(file.has_parent_path() ? file.parent_path() : fs::path("."));
}

std::string FolderProblem(const std::string& path) {
  fs::path dir(path);
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) return "it is not a directory";
    return DirectoryProblem(dir);
  }
  // Create() makes the missing parents too: the nearest one that exists counts.
  dir = fs::absolute(dir, ec);
  while (dir.has_parent_path() && dir != dir.parent_path() && !fs::exists(dir, ec)) {
    dir = dir.parent_path();
  }
  return DirectoryProblem(dir);
}

void Announce(std::ostream* announce, const std::string& path,
              const std::optional<RunResult>& drawn) {
  if (announce == nullptr) return;
  *announce << "wrote " << path;
  if (drawn) *announce << " (seed " << drawn->seed << ")";
  *announce << "\n" << std::flush;
}

}  // namespace

Status CheckExportPaths(const ExportPaths& paths) {
  const std::pair<std::string_view, const std::string*> files[] = {
      {"--trace", &paths.trace}, {"--shiviz", &paths.shiviz}, {"--report", &paths.html}};
  for (const auto& [flag, path] : files) {
    if (path->empty()) continue;
    if (std::string problem = FileProblem(*path); !problem.empty()) {
      return InvalidArgumentError("cannot write " + std::string(flag) + " " + *path + ": " +
                                  problem);
    }
  }
  if (!paths.reports.empty()) {
    if (std::string problem = FolderProblem(paths.reports); !problem.empty()) {
      return InvalidArgumentError("cannot write --reports " + paths.reports + ": " + problem);
    }
  }
  return Status::Ok();
}

RunResult ReplayDrawnRun(const Program& program, const Report& report) {
  return SampleRun(program, report);
}

std::string ReportSetLabel(const std::string& deck_path, Ordering ordering) {
  return std::filesystem::path(deck_path).stem().string() + "-" + OrderingName(ordering);
}

Status WriteExports(const Program& program, const std::vector<Report>& reports,
                    const ExportPaths& paths, const std::string& label,
                    const std::vector<std::optional<RunResult>>& remote, std::ostream* announce) {
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
    Announce(announce, paths.trace, first);
  }
  std::optional<std::string> shiviz;
  if (first && (!paths.shiviz.empty() || !paths.reports.empty())) {
    shiviz = ShivizLog(program, *first);
  }
  if (!paths.shiviz.empty() && shiviz) {
    if (Status s = WriteFile(paths.shiviz, *shiviz); !s.ok()) return s;
    Announce(announce, paths.shiviz, first);
  }
  std::optional<std::string> page;
  if (!paths.html.empty() || !paths.reports.empty()) {
    page = HtmlReport(program, Sections(program, reports, samples), HtmlStepping::kTogether);
  }
  if (!paths.html.empty()) {
    if (Status s = WriteFile(paths.html, *page); !s.ok()) return s;
    Announce(announce, paths.html, first);
  }
  if (!paths.reports.empty()) {
    const ReportFolder folder(paths.reports);
    if (Status s = folder.Create(); !s.ok()) return s;
    const std::string stem = folder.NewStem(label);
    const auto write = [&](ReportFileKind kind, const std::string& text) {
      Status s = folder.Write(stem, kind, text);
      if (s.ok()) {
        Announce(announce, (folder.dir() / (stem + std::string(ReportFileSuffix(kind)))).string(),
                 kind == ReportFileKind::kJson ? std::nullopt : first);
      }
      return s;
    };
    // The page last: a set appears in the index once its JSON is there,
    // and /latest moves to it once it is complete.
    if (Status s = write(ReportFileKind::kJson, JsonOf(reports)); !s.ok()) return s;
    if (trace) {
      if (Status s = write(ReportFileKind::kTrace, *trace); !s.ok()) return s;
    }
    if (shiviz) {
      if (Status s = write(ReportFileKind::kShiviz, *shiviz); !s.ok()) return s;
    }
    if (Status s = write(ReportFileKind::kHtml, *page); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace cardflow
