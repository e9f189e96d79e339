#include "coordinator/demo_command.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/deck/load.h"
#include "common/report/report.h"
#include "common/status/status.h"
#include "coordinator/cluster/loopback.h"
#include "coordinator/cluster/run_cluster.h"
#include "coordinator/command_metrics.h"
#include "coordinator/embedded_decks.h"
#include "coordinator/interrupt_watch.h"
#include "coordinator/run_command.h"
#include "coordinator/run_exports.h"
#include "coordinator/shutdown_signals.h"

namespace cardflow {

namespace {

constexpr uint64_t kTransferRuns = 2000;
constexpr uint64_t kRemoteTransferRuns = 500;
constexpr uint64_t kParallelRuns = 3;
constexpr uint64_t kSeed = 1;

// An embedded example deck, compiled for one ordering.
struct DemoDeck {
  std::string text;
  Program program;
};

StatusOr<DemoDeck> LoadEmbedded(const char* file, Ordering ordering) {
  const EmbeddedDeck* deck = FindEmbeddedDeck(file);
  if (deck == nullptr) return InternalError(std::string(file) + " is not compiled in");
  LoadResult loaded = LoadDeck(deck->text, deck->file, ordering);
  if (!loaded.program.has_value()) return InternalError(FormatDiagnostics(loaded.errors));
  return DemoDeck{std::string(deck->text), std::move(*loaded.program)};
}

// Where the demo runs its decks: this process, or two worker nodes.
class DemoStage {
 public:
  // `timing`: --connect-timeout and --in-flight, for remote stages. Once
  // `*stop` is true (Ctrl-C) no stage starts another run.
  DemoStage(std::vector<NodeAddress> nodes, LinkSecurity links, CoordinatorMetrics* metrics,
            const std::atomic<bool>* stop, const PlacementOptions& timing = {})
      : nodes_(std::move(nodes)),
        links_(std::move(links)),
        metrics_(metrics),
        stop_(stop),
        connect_timeout_(timing.connect_timeout),
        in_flight_(timing.in_flight) {}
  bool remote() const { return !nodes_.empty(); }
  const std::vector<NodeAddress>& nodes() const { return nodes_; }

  // `place`: stack -> index into nodes(); ignored locally, where `threads`
  // worker threads run every stack.
  StatusOr<Report> Run(const DemoDeck& deck, Ordering ordering, uint64_t runs, int threads,
                       const std::vector<std::pair<std::string, size_t>>& place,
                       std::optional<Shuffle> shuffle = std::nullopt) const {
    RunOptions options;
    options.shuffle = shuffle;
    options.ordering = ordering;
    options.runs = runs;
    options.seed = kSeed;
    options.threads = threads;
    options.placement.nodes = nodes_;
    options.placement.links = links_;
    options.placement.connect_timeout = connect_timeout_;
    options.placement.in_flight = in_flight_;
    if (remote()) {
      for (const auto& [stack, node] : place) {
        options.placement.place.emplace_back(stack, nodes_[node].name);
      }
    }
    return ExecuteRuns(deck.program, deck.text, options, nullptr, metrics_, nullptr, stop_);
  }

 private:
  std::vector<NodeAddress> nodes_;
  LinkSecurity links_;           // default (plaintext) for loopback nodes
  CoordinatorMetrics* metrics_;  // --metrics; may be null
  const std::atomic<bool>* stop_;
  std::chrono::milliseconds connect_timeout_;
  int in_flight_;
};

// Every line of `text` with `prefix` in front.
std::string Indent(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) out += prefix + line + "\n";
  return out;
}

uint64_t RunsMeetingExpect(const Report& report) {
  uint64_t n = 0;
  for (const OutcomeCount& o : report.outcomes) n += o.expect ? o.count : 0;
  return n;
}

// How many columns `line` takes on a terminal: its UTF-8 code points (the
// histogram's bars are one column each).
size_t Columns(const std::string& line) {
  size_t n = 0;
  for (unsigned char c : line) n += (c & 0xC0) != 0x80;
  return n;
}

// Two blocks of lines next to each other, each under its title.
std::string SideBySide(const std::string& left_title, const std::string& left,
                       const std::string& right_title, const std::string& right) {
  std::vector<std::string> a{left_title}, b{right_title};
  std::istringstream l(left), r(right);
  for (std::string line; std::getline(l, line);) a.push_back(line);
  for (std::string line; std::getline(r, line);) b.push_back(line);
  size_t width = 0;
  for (const std::string& line : a) width = std::max(width, Columns(line));
  std::string out;
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    const std::string left_line = i < a.size() ? a[i] : "";
    out += left_line + std::string(width - Columns(left_line) + 4, ' ') +
           (i < b.size() ? b[i] : "") + "\n";
  }
  return out;
}

// A narrow histogram, for two side by side: count, an 8-cell bar, whether
// the expects hold, the values.
std::string NarrowHistogram(const Report& report) {
  uint64_t most = 1;
  for (const OutcomeCount& o : report.outcomes) most = std::max(most, o.count);
  std::string out;
  for (const OutcomeCount& o : report.outcomes) {
    char count[24];
    std::snprintf(count, sizeof count, "%5llu ", static_cast<unsigned long long>(o.count));
    const uint64_t cells = std::max<uint64_t>(1, o.count * 8 / most);
    std::string line = count;
    for (uint64_t i = 0; i < 8; ++i) line += i < cells ? "█" : " ";
    line += o.expect ? " ✓ " : " ✗ ";
    for (size_t t = 0; t < report.terms.size() && t < o.values.size(); ++t) {
      line += (t ? " " : "") + report.terms[t] + "=" + std::to_string(o.values[t]);
    }
    out += line + "\n";
  }
  return out;
}

// The report as JSON without `placement`: what a seeded run on nodes must
// give exactly as a local one (DECK.md, "The shuffle on every placement").
std::string JsonWithoutPlacement(const Report& report) {
  std::istringstream in(ReportToJson(report));
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"placement\":") == std::string::npos) out += line + "\n";
  }
  return out;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

}  // namespace

// The nodes the demo runs on, when it runs remotely: the named ones, or a
// loopback cluster it starts and keeps in `loopback` for the demo's length.
StatusOr<std::vector<NodeAddress>> DemoNodes(const PlacementOptions& placement,
                                             const LogOptions& log,
                                             std::unique_ptr<LoopbackCluster>& loopback) {
  if (placement.Local()) return std::vector<NodeAddress>{};
  if (!placement.nodes.empty()) {
    if (placement.nodes.size() < 2) {
      return InvalidArgumentError("it needs two nodes: --node X=HOST:PORT --node Y=HOST:PORT");
    }
    return placement.nodes;
  }
  if (placement.loopback < 2) return InvalidArgumentError("it needs --loopback 2 (or more)");
  std::vector<std::string> names;
  for (int i = 0; i < placement.loopback; ++i) {
    names.push_back(i < 2 ? std::string(1, static_cast<char>('X' + i))
                          : "n" + std::to_string(i + 1));
  }
  auto cluster = LoopbackCluster::Start(names, 1, log);
  if (!cluster.ok()) return cluster.status();
  loopback = std::move(cluster).value();
  return loopback->nodes();
}

int DemoCommand(const DemoOptions& options, Console& console) {
  // Before any thread starts (every thread inherits the blocked signals):
  // Ctrl-C stops the demo after the runs in flight, keeping what it printed.
  InterruptWatch interrupt([&console](int signal) {
    console.err << (console.err_is_terminal ? "\r\033[K" : "") << ShutdownSignalName(signal)
                << ": stopping the demo after the runs in flight (again to quit at once)\n"
                << std::flush;
  });
  // Then: with --metrics-linger it blocks the signals before any thread starts.
  StatusOr<std::unique_ptr<CommandMetrics>> metrics = CommandMetrics::Start(options.metrics);
  if (!metrics.ok()) {
    console.err << "demo: " << metrics.status().message() << "\n";
    return 2;
  }
  std::ostream& out = console.out;
  const int cores = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));

  StatusOr<DemoDeck> naive_deck = LoadEmbedded("transfer.deck", Ordering::kNone);
  StatusOr<DemoDeck> ordered_deck = LoadEmbedded("transfer.deck", Ordering::kCallbacks);
  StatusOr<DemoDeck> parallel_deck = LoadEmbedded("parallel.deck", Ordering::kCallbacks);
  for (const auto* loaded : {&naive_deck, &ordered_deck, &parallel_deck}) {
    if (!loaded->ok()) {
      console.err << "demo: " << loaded->status().message() << "\n";
      return 2;
    }
  }
  std::unique_ptr<LoopbackCluster> loopback;
  StatusOr<std::vector<NodeAddress>> nodes = DemoNodes(options.placement, options.log, loopback);
  if (!nodes.ok()) {
    console.err << "demo: " << nodes.status().message() << "\n";
    return ClusterExitCode(nodes.status());
  }
  const DemoStage stage(std::move(nodes).value(), options.placement.links, (*metrics)->metrics(),
                        &interrupt.stop(), options.placement);
  // Where the same seeds run again under the seeded shuffle: the given
  // nodes, or — with no placement flag — two nodes embedded in this process.
  std::unique_ptr<LoopbackCluster> embedded;
  std::optional<DemoStage> seeded_stage;
  if (stage.remote()) {
    seeded_stage.emplace(stage.nodes(), options.placement.links, (*metrics)->metrics(),
                         &interrupt.stop(), options.placement);
  } else if (!options.placement.local_flag) {
    PlacementOptions two;
    two.loopback = 2;
    StatusOr<std::vector<NodeAddress>> pair = DemoNodes(two, options.log, embedded);
    if (!pair.ok()) {
      console.err << "demo: " << pair.status().message() << "\n";
      return ClusterExitCode(pair.status());
    }
    seeded_stage.emplace(std::move(pair).value(), LinkSecurity(), (*metrics)->metrics(),
                         &interrupt.stop());
  }
  const uint64_t transfer_runs = stage.remote() ? kRemoteTransferRuns : kTransferRuns;
  // Every stage either gives its report or ends the demo: exit 3 when the
  // cluster could not carry it, 130 after Ctrl-C (what was told so far stays).
  std::optional<int> failed;
  const auto run = [&](const DemoDeck& deck, Ordering ordering, uint64_t runs, int threads,
                       const std::vector<std::pair<std::string, size_t>>& place) {
    StatusOr<Report> report = stage.Run(deck, ordering, runs, threads, place, options.shuffle);
    if (interrupt.stop().load()) {
      if (!failed) {
        out << "   (interrupted: the demo stopped here)\n" << std::flush;
        failed = 130;
      }
      return Report{};
    }
    if (report.ok() && report->unreachable.empty()) return *std::move(report);
    if (!failed && report.ok()) {
      // The story places A and B on the two nodes: told without one of
      // them, it would say what did not happen.
      for (const std::string& why : report->unreachable) console.err << "demo: " << why << "\n";
      console.err << "demo: the demo runs A and B on the nodes it is given: start the node, or "
                     "leave out --node to run on nodes embedded in this process\n";
      failed = 3;
    } else if (!failed) {
      console.err << "demo: " << report.status().message() << "\n";
      failed = ClusterExitCode(report.status());
    }
    return Report{};
  };

  out << "cardflow demo: every run deals the stacks' cards in a new shuffled order.\n";
  if (stage.remote()) {
    out << "Stacks run on worker nodes " << stage.nodes()[0].name << " ("
        << stage.nodes()[0].address << ") and " << stage.nodes()[1].name << " ("
        << stage.nodes()[1].address << "); callbacks go node to node.\n\n";
  } else {
    out << "All stacks run in this process (local placement), seeds from " << kSeed << ".\n\n";
  }

  const std::vector<std::pair<std::string, size_t>> a_on_x_b_on_y{{"A", 0}, {"B", 1}};
  out << "1. transfer.deck: A deposits 50, then B doubles the balance. 100 → 300?\n";
  if (stage.remote()) {
    out << "   A runs on " << stage.nodes()[0].name << ", B on " << stage.nodes()[1].name << ".\n";
  }
  out << "\n";
  const Report naive = run(*naive_deck, Ordering::kNone, transfer_runs, cores, a_on_x_b_on_y);
  if (failed) return *failed;
  out << "   Without callbacks (--ordering none): B's `await A` does not wait.\n";
  if (stage.remote() && options.shuffle != Shuffle::kSeeded) {
    out << "   Network order: nobody picks the steps, the nodes and the network race.\n";
  } else if (stage.remote()) {
    out << "   Seeded order (--shuffle seeded): the coordinator picks every step.\n";
  }
  out << Indent(ReportHistogram(naive), "   ");
  const uint64_t naive_ok = RunsMeetingExpect(naive);
  out << "   → only " << naive_ok << " of " << naive.runs
      << " runs end in 300: the others lost an update or did them in the\n"
         "     wrong order.\n\n";

  const Report ordered =
      run(*ordered_deck, Ordering::kCallbacks, transfer_runs, cores, a_on_x_b_on_y);
  if (failed) return *failed;
  out << "   With callbacks (--ordering callbacks): B reads only after A's callback.\n"
      << Indent(ReportHistogram(ordered), "   ");
  out << "   → " << ReportVerdict(ordered) << "\n\n";

  out << "2. parallel.deck: two stacks of CPU work, joined by a third through callbacks.\n";
  Report one;
  Report two;
  std::string one_label;
  std::string two_label;
  if (stage.remote()) {
    one = run(*parallel_deck, Ordering::kCallbacks, kParallelRuns, 1,
              {{"left", 0}, {"right", 0}, {"join", 0}});
    two = run(*parallel_deck, Ordering::kCallbacks, kParallelRuns, 1,
              {{"left", 0}, {"right", 1}, {"join", 0}});
    one_label = "on 1 node (" + stage.nodes()[0].name + "):   ";
    two_label = "on 2 nodes (" + stage.nodes()[0].name + ", " + stage.nodes()[1].name + "):";
  } else {
    one = run(*parallel_deck, Ordering::kCallbacks, kParallelRuns, 1, {});
    two = run(*parallel_deck, Ordering::kCallbacks, kParallelRuns, 2, {});
    one_label = "on 1 worker thread: ";
    two_label = "on 2 worker threads:";
  }
  if (failed) return *failed;
  char speedup[32];
  std::snprintf(speedup, sizeof speedup, "%.2f×",
                two.wall_seconds > 0 ? one.wall_seconds / two.wall_seconds : 0.0);
  out << "   " << kParallelRuns << " runs " << one_label << " " << Seconds(one.wall_seconds) << "\n"
      << "   " << kParallelRuns << " runs " << two_label << " " << Seconds(two.wall_seconds)
      << "   speed-up " << speedup
      << (std::thread::hardware_concurrency() < 2 ? " (this machine has one core)" : "") << "\n"
      << "   → a stack waiting for a callback holds no thread, so the two independent\n"
         "     stacks run side by side.\n"
      << "   → " << ReportVerdict(two) << "\n\n";

  // 3. The seeded shuffle on every placement: the same seeds, the same
  // schedules, the same report — in this process and across X and Y.
  bool identical = true;
  if (seeded_stage) {
    const std::vector<NodeAddress>& xy = seeded_stage->nodes();
    out << "3. The same seeds on every placement (--shuffle seeded), transfer.deck without\n"
           "   callbacks again (--ordering none): the coordinator picks every step and "
        << xy[0].name << " and " << xy[1].name
        << "\n   take each one when told; callbacks still go node to node.\n";
    if (!stage.remote()) {
      out << "   " << xy[0].name << " (" << xy[0].address << ") and " << xy[1].name << " ("
          << xy[1].address << ") are nodes embedded in this process.\n";
    }
    out << "\n";
    const DemoStage local_stage({}, LinkSecurity(), (*metrics)->metrics(), &interrupt.stop());
    StatusOr<Report> here_or =
        local_stage.Run(*naive_deck, Ordering::kNone, kRemoteTransferRuns, cores, {});
    if (!here_or.ok()) {
      console.err << "demo: " << here_or.status().message() << "\n";
      return ClusterExitCode(here_or.status());
    }
    const Report& here = *here_or;
    StatusOr<Report> there_or = seeded_stage->Run(*naive_deck, Ordering::kNone, kRemoteTransferRuns,
                                                  1, a_on_x_b_on_y, Shuffle::kSeeded);
    if (!there_or.ok()) {
      console.err << "demo: " << there_or.status().message() << "\n";
      return ClusterExitCode(there_or.status());
    }
    if (interrupt.stop().load()) {  // one side is partial: nothing to compare
      out << "   (interrupted: the demo stopped here)\n" << std::flush;
      return 130;
    }
    const Report& there = *there_or;
    out << Indent(
        SideBySide("local placement:", NarrowHistogram(here),
                   "A on " + xy[0].name + ", B on " + xy[1].name + ":", NarrowHistogram(there)),
        "   ");
    identical = JsonWithoutPlacement(here) == JsonWithoutPlacement(there);
    if (identical) {
      out << "   → identical, seed for seed: " << there.runs << " runs (seeds " << kSeed << ".."
          << kSeed + there.runs - 1
          << "), the same outcomes and\n"
             "     the same witness schedules; replay any with `run --schedule` on any "
             "placement.\n\n";
    } else {
      out << "   → NOT identical: the two reports differ beyond where the stacks ran (a\n"
             "     cardflow bug: please report it, with both reports: `run --format json`).\n\n";
    }
  }

  out << "Try one yourself:\n"
         "   cardflow-coordinator run examples/transfer.deck --ordering none --runs 2000\n";
  out.flush();
  // --report / --reports: the transfer deck naive vs callbacks, side by side.
  if (Status written = WriteExports(ordered_deck->program, {naive, ordered}, options.exports,
                                    "demo-transfer", {}, &console.err);
      !written.ok()) {
    console.err << "demo: " << written.message() << "\n";
    return 2;
  }
  interrupt.Stop();  // --metrics-linger takes the next signal
  (*metrics)->Linger();

  const bool held = identical && naive.outcomes.size() > 1 && ordered.outcomes.size() == 1 &&
                    ReportExitCode(ordered) == 0 && ReportExitCode(two) == 0;
  if (!held) {
    console.err << "demo: the runs did not tell the expected story (see above)\n";
    return 1;
  }
  return 0;
}

}  // namespace cardflow
