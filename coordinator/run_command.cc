#include "coordinator/run_command.h"

#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <utility>

#include "common/deck/load.h"
#include "common/local/local_runner.h"
#include "coordinator/cluster/run_cluster.h"
#include "coordinator/progress.h"
#include "coordinator/run_exports.h"

namespace cardflow {

namespace {

// The deck file's text, or nothing when it cannot be read (LoadDeckFile
// then says why, in the diagnostic format).
std::optional<std::string> ReadDeck(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

}  // namespace

StatusOr<Report> ExecuteRuns(const Program& program, const std::string& deck_text,
                             const RunOptions& options,
                             std::function<void(uint64_t done)> on_progress) {
  if (options.placement.Local()) {
    LocalOptions local;
    local.ordering = options.ordering;
    local.runs = options.runs;
    local.seed = options.seed;
    local.threads = options.threads;
    local.on_progress = std::move(on_progress);
    return RunLocal(program, local);
  }
  ClusterOptions cluster;
  cluster.nodes = options.placement.nodes;
  cluster.loopback = options.placement.loopback;
  cluster.place = options.placement.place;
  cluster.loopback_log = options.log;
  cluster.ordering = options.ordering;
  cluster.runs = options.runs;
  cluster.seed = options.seed;
  cluster.on_progress = std::move(on_progress);
  return RunCluster(program, deck_text, cluster);
}

int RunCommand(const RunOptions& options, Console& console) {
  const std::optional<std::string> text = ReadDeck(options.deck_path);
  LoadResult loaded = text ? LoadDeck(*text, options.deck_path, options.ordering)
                           : LoadDeckFile(options.deck_path, options.ordering);
  if (!loaded.program.has_value()) {
    std::string diagnostics = FormatDiagnostics(loaded.errors);
    if (!diagnostics.empty() && diagnostics.back() != '\n') diagnostics += '\n';
    console.err << diagnostics << std::flush;
    return 2;
  }
  ProgressBar progress(console.err, options.runs,
                       ProgressBar::Wanted(console.err_is_terminal, options.runs));
  StatusOr<Report> report = ExecuteRuns(*loaded.program, *text, options,
                                        [&progress](uint64_t done) { progress.Update(done); });
  progress.Clear();
  if (!report.ok()) {
    console.err << "cardflow-coordinator: " << report.status().message() << "\n" << std::flush;
    return ClusterExitCode(report.status());
  }
  console.out << (options.format == OutputFormat::kJson ? ReportToJson(*report)
                                                        : ReportToText(*report))
              << std::flush;
  if (Status written = WriteExports(*loaded.program, *report, options.exports); !written.ok()) {
    console.err << "cardflow-coordinator: " << written.message() << "\n" << std::flush;
    return 2;
  }
  return ReportExitCode(*report);
}

}  // namespace cardflow
