#include "coordinator/run_exports.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "common/local/local_runner.h"
#include "common/trace/chrome_trace.h"
#include "common/trace/html_report.h"
#include "common/trace/shiviz_log.h"

namespace cardflow {

namespace {

// Sample runs tried when looking for a failing one.
constexpr uint64_t kMaxSampleSearch = 1000;

bool Interesting(const RunResult& run) {
  return run.error.has_value() || run.order_violation || !run.expect_ok;
}

RunResult SampleRun(const Program& program, const Report& report) {
  const uint64_t tries = std::min<uint64_t>(report.runs, kMaxSampleSearch);
  for (uint64_t i = 0; i < tries; ++i) {
    RunResult run = RunLocalOnce(program, report.ordering, report.seed + i);
    if (Interesting(run)) return run;
  }
  return RunLocalOnce(program, report.ordering, report.seed);
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << text;
  if (!out) return UnavailableError("cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace

Status WriteExports(const Program& program, const Report& report, const ExportPaths& paths) {
  if (!paths.any()) return Status::Ok();
  const RunResult run = SampleRun(program, report);
  if (!paths.trace.empty()) {
    if (Status s = WriteFile(paths.trace, ChromeTraceJson(program, report.placement, run));
        !s.ok()) {
      return s;
    }
  }
  if (!paths.shiviz.empty()) {
    if (Status s = WriteFile(paths.shiviz, ShivizLog(program, run)); !s.ok()) return s;
  }
  if (!paths.html.empty()) {
    const std::string title = std::string("--ordering ") + OrderingName(report.ordering) +
                              ", run with seed " + std::to_string(run.seed);
    if (Status s = WriteFile(paths.html, HtmlReport(program, {{title, report, run}})); !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

}  // namespace cardflow
