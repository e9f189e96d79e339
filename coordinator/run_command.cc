#include "coordinator/run_command.h"

#include <functional>
#include <string>
#include <utility>

#include "common/deck/load.h"
#include "common/local/local_runner.h"
#include "coordinator/progress.h"

namespace cardflow {

Report ExecuteRuns(const Program& program, const RunOptions& options,
                   std::function<void(uint64_t done)> on_progress) {
  LocalOptions local;
  local.ordering = options.ordering;
  local.runs = options.runs;
  local.seed = options.seed;
  local.threads = options.threads;
  local.on_progress = std::move(on_progress);
  return RunLocal(program, local);
}

int RunCommand(const RunOptions& options, Console& console) {
  LoadResult loaded = LoadDeckFile(options.deck_path, options.ordering);
  if (!loaded.program.has_value()) {
    std::string diagnostics = FormatDiagnostics(loaded.errors);
    if (!diagnostics.empty() && diagnostics.back() != '\n') diagnostics += '\n';
    console.err << diagnostics << std::flush;
    return 2;
  }
  ProgressBar progress(console.err, options.runs,
                       ProgressBar::Wanted(console.err_is_terminal, options.runs));
  const Report report =
      ExecuteRuns(*loaded.program, options, [&progress](uint64_t done) { progress.Update(done); });
  progress.Clear();
  console.out << (options.format == OutputFormat::kJson ? ReportToJson(report)
                                                        : ReportToText(report))
              << std::flush;
  return ReportExitCode(report);
}

}  // namespace cardflow
