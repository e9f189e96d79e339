#include "coordinator/run_command.h"

#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/check/reachable.h"
#include "common/deck/load.h"
#include "common/local/local_runner.h"
#include "common/run/runner.h"
#include "common/schedule/schedule_text.h"
#include "coordinator/cluster/run_cluster.h"
#include "coordinator/command_metrics.h"
#include "coordinator/deck_source.h"
#include "coordinator/interrupt_watch.h"
#include "coordinator/progress.h"
#include "coordinator/run_exports.h"
#include "coordinator/run_notes.h"

namespace cardflow {

namespace {

// The runner of the placement `options` names: this process, or nodes.
std::unique_ptr<Runner> MakeRunner(const RunOptions& options, ClusterObserver* observer,
                                   std::optional<Report>* partial) {
  if (options.placement.Local()) return std::make_unique<LocalRunner>(options.threads);
  ClusterOptions where;
  where.nodes = options.placement.nodes;
  where.links = options.placement.links;
  where.loopback = options.placement.loopback;
  where.place = options.placement.place;
  where.loopback_log = options.log;
  where.connect_timeout = options.placement.connect_timeout;
  where.in_flight = options.placement.in_flight;
  where.observer = observer;
  where.partial = partial;
  return std::make_unique<ClusterRunner>(std::move(where));
}

StatusOr<Report> ExecuteRunsOn(const Program& program, const std::string& deck_text,
                               const RunOptions& options,
                               std::function<void(uint64_t done)> on_progress,
                               ClusterObserver* observer, std::optional<RunResult>* drawn,
                               const std::atomic<bool>* stop, std::optional<Report>* partial) {
  RunSpec spec;
  spec.ordering = options.ordering;
  spec.runs = options.runs;
  spec.seed = options.seed;
  spec.shuffle =
      options.shuffle.value_or(options.placement.Local() ? Shuffle::kSeeded : Shuffle::kNetwork);
  spec.prefix = options.prefix;
  ProgressSink progress(std::move(on_progress));
  DrawnRunSink drawing;
  RunSinks sinks({&progress, drawn ? &drawing : nullptr});
  StatusOr<Report> report = MakeRunner(options, observer, partial)
                                ->Run(CompiledDeck{&program, deck_text}, spec, &sinks, stop);
  if (drawn) *drawn = std::move(drawing.run());
  return report;
}

}  // namespace

StatusOr<Report> ExecuteRuns(const Program& program, const std::string& deck_text,
                             const RunOptions& options,
                             std::function<void(uint64_t done)> on_progress,
                             CoordinatorMetrics* metrics, std::optional<RunResult>* drawn,
                             const std::atomic<bool>* stop, std::optional<Report>* partial) {
  if (metrics) {
    on_progress = [metrics, &program, ordering = options.ordering,
                   inner = std::move(on_progress)](uint64_t done) {
      metrics->RunFinished(program.file, ordering);
      if (inner) inner(done);
    };
  }
  StatusOr<Report> report = ExecuteRunsOn(program, deck_text, options, std::move(on_progress),
                                          metrics, drawn, stop, partial);
  if (metrics && report.ok()) metrics->ReportDone(*report);
  if (metrics && !report.ok() && ClusterExitCode(report.status()) == 3) metrics->ClusterFault();
  return report;
}

namespace {

// Under this many states `run` also explores every schedule and says which
// reachable outcomes its runs never showed (--no-check skips it). Decks with
// more stacks or cards than below are not tried at all: the search's cost
// per state grows with the stacks, and such a deck never fits the budget.
constexpr uint64_t kReachableBudget = 200'000;
constexpr size_t kReachableMaxStacks = 64;
constexpr size_t kReachableMaxCards = 10'000;

// --compare-ordering: the deck compiled for the other ordering (a deck may
// load one way and not the other) and the --schedule steps checked against
// it, both before anything runs.
struct Comparison {
  Program program;
  Schedule prefix;
};

StatusOr<Comparison> LoadComparison(const RunOptions& options, const std::string& text,
                                    const Program& program) {
  const Ordering ordering = *options.compare_ordering;
  const std::string flag = std::string("--compare-ordering ") + OrderingName(ordering);
  LoadResult other = LoadDeck(text, program.file, ordering);
  if (!other.program.has_value()) {
    std::string diagnostics = FormatDiagnostics(other.errors);
    if (!diagnostics.empty() && diagnostics.back() != '\n') diagnostics += '\n';
    return InvalidArgumentError(diagnostics + flag + ": the deck does not load with that ordering");
  }
  Comparison comparison{std::move(*other.program), {}};
  if (!options.schedule_path.empty()) {
    StatusOr<ScheduleText> schedule =
        LoadScheduleFile(comparison.program, ordering, options.schedule_path);
    if (!schedule.ok()) {
      return InvalidArgumentError(std::string(schedule.status().message()) + "\n" + flag +
                                  ": the schedule cannot be replayed with that ordering");
    }
    comparison.prefix = std::move(schedule->steps);
  }
  return comparison;
}

bool SmallEnoughToCheck(const Program& program) {
  if (program.stacks.size() > kReachableMaxStacks) return false;
  return program.code.size() <= kReachableMaxCards;
}

}  // namespace

int RunCommand(const RunOptions& given, Console& console) {
  RunOptions options = given;
  // Before any thread starts, so that every thread has the signals blocked.
  // The bar, once there, is erased before the message (with the ^C the
  // terminal echoed onto its line); it is set only while the watcher runs.
  std::atomic<ProgressBar*> bar{nullptr};
  InterruptWatch interrupt([&console, &bar](int signal) {
    if (ProgressBar* shown = bar.load()) shown->Clear();
    console.err << (console.err_is_terminal ? "\r\033[K" : "") << ShutdownSignalName(signal)
                << ": finishing the runs in flight (again to quit at once)\n"
                << std::flush;
  });
  // With --metrics-linger it blocks the signals too, before any thread starts.
  StatusOr<std::unique_ptr<CommandMetrics>> metrics = CommandMetrics::Start(options.metrics);
  if (!metrics.ok()) {
    console.err << "cardflow-coordinator: " << metrics.status().message() << "\n" << std::flush;
    return 2;
  }
  DeckSource source = LoadDeckSource(options.deck_path, options.ordering, console.err);
  LoadResult& loaded = source.loaded;
  if (!loaded.program.has_value()) {
    std::string diagnostics = FormatDiagnostics(loaded.errors);
    if (!diagnostics.empty() && diagnostics.back() != '\n') diagnostics += '\n';
    console.err << diagnostics << std::flush;
    return 2;
  }
  const std::string* text = loaded.program->source.get();
  if (!options.schedule_path.empty()) {
    StatusOr<ScheduleText> schedule =
        LoadScheduleFile(*loaded.program, options.ordering, options.schedule_path);
    if (!schedule.ok()) {
      console.err << schedule.status().message() << "\n" << std::flush;
      return 2;
    }
    options.prefix = std::move(schedule->steps);
  }
  if (Status paths = CheckExportPaths(options.exports); !paths.ok()) {
    console.err << "cardflow-coordinator: " << paths.message() << "\n" << std::flush;
    return 2;
  }
  std::optional<Comparison> comparison;
  if (options.compare_ordering) {
    StatusOr<Comparison> loaded_other = LoadComparison(options, *text, *loaded.program);
    if (!loaded_other.ok()) {
      console.err << loaded_other.status().message() << "\n" << std::flush;
      return 2;
    }
    comparison = std::move(loaded_other).value();
  }
  ProgressBar progress(
      console.err, options.runs,
      ProgressBar::Wanted(console.err_is_terminal || options.progress, options.runs),
      /*lines=*/!console.err_is_terminal);
  bar.store(&progress);
  std::optional<RunResult> drawn;
  std::optional<Report> partial;
  StatusOr<Report> report = ExecuteRuns(
      *loaded.program, *text, options, [&progress](uint64_t done) { progress.Update(done); },
      (*metrics)->metrics(),
      options.exports.any() || !options.exports.reports.empty() || HasPrints(*loaded.program)
          ? &drawn
          : nullptr,
      &interrupt.stop(), &partial);
  interrupt.Stop();
  bar.store(nullptr);
  progress.Clear();
  // The cluster could not carry the runs: after they started, the report of
  // those that completed is shown (and exported) as a partial one.
  const Status fault = report.status();
  if (!report.ok()) {
    console.err << "cardflow-coordinator: " << report.status().message() << "\n" << std::flush;
    if (!partial) {
      (*metrics)->Linger();
      return ClusterExitCode(report.status());
    }
    report = std::move(*partial);
  }
  const bool interrupted = interrupt.stop().load();
  const bool stopped_early = interrupted || !fault.ok();
  // Exploring every schedule takes time a user who pressed Ctrl-C has not got.
  if (options.check && !stopped_early && SmallEnoughToCheck(*loaded.program)) {
    report->reachable =
        CompareWithReachable(*loaded.program, options.ordering, *report, kReachableBudget);
  }
  const std::string stopped_after =
      std::string(interrupted ? "interrupted" : "the cluster could not carry the runs") +
      " after " + WithCommas(report->runs) + " of " + WithCommas(options.runs) + " runs";
  if (stopped_early) {
    (options.format == OutputFormat::kJson ? console.err : console.out) << stopped_after << "\n";
  }
  if (options.format == OutputFormat::kText) {
    // Above the report, whose last line stays the verdict.
    std::string notes = drawn ? PrintLines(*loaded.program, *drawn) : "";
    notes += OutcomeHint(*report);
    if (!notes.empty()) console.out << notes << "\n";
    console.out << ReportToText(*report);
    // The verdict above is of the runs that completed; the last line says
    // the whole was not done (a script reading the last line is not told
    // PASS of a run that exits 3 or 130).
    if (stopped_early) {
      console.out << "INCOMPLETE: " << stopped_after << "; the verdict above is of those runs\n";
    }
  } else {
    console.out << ReportToJson(*report);
  }
  console.out << std::flush;
  std::vector<Report> reports{*report};
  std::vector<std::optional<RunResult>> drawn_runs{drawn};
  std::string label = ReportSetLabel(options.deck_path, options.ordering);
  if (comparison && !stopped_early) {
    // The same seeds under the other ordering, for the page only, beside
    // (after) the report asked for, whose run --trace and --shiviz draw.
    RunOptions other = options;
    other.ordering = *options.compare_ordering;
    other.prefix = comparison->prefix;
    std::optional<RunResult> other_drawn;
    StatusOr<Report> compared = ExecuteRuns(comparison->program, *text, other, nullptr,
                                            (*metrics)->metrics(), &other_drawn);
    if (!compared.ok()) {
      console.err << "cardflow-coordinator: --compare-ordering: " << compared.status().message()
                  << "\n"
                  << std::flush;
      return ClusterExitCode(compared.status());
    }
    reports.push_back(*std::move(compared));
    drawn_runs.push_back(std::move(other_drawn));
    label += std::string("-vs-") + OrderingName(other.ordering);
  }
  if (Status written =
          WriteExports(*loaded.program, reports, options.exports, label, drawn_runs, &console.err);
      !written.ok()) {
    console.err << "cardflow-coordinator: " << written.message() << "\n" << std::flush;
    return 2;
  }
  if (interrupted) return 130;
  (*metrics)->Linger();
  return fault.ok() ? ReportExitCode(*report) : ClusterExitCode(fault);
}

}  // namespace cardflow
