#include "coordinator/demo_command.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>
#include <thread>

#include "common/deck/load.h"
#include "common/report/report.h"
#include "common/status/status.h"
#include "coordinator/embedded_decks.h"
#include "coordinator/run_command.h"

namespace cardflow {

namespace {

constexpr uint64_t kTransferRuns = 2000;
constexpr uint64_t kParallelRuns = 3;
constexpr uint64_t kSeed = 1;

StatusOr<Program> LoadEmbedded(const char* file, Ordering ordering) {
  const EmbeddedDeck* deck = FindEmbeddedDeck(file);
  if (deck == nullptr) return InternalError(std::string(file) + " is not compiled in");
  LoadResult loaded = LoadDeck(deck->text, deck->file, ordering);
  if (!loaded.program.has_value()) return InternalError(FormatDiagnostics(loaded.errors));
  return std::move(*loaded.program);
}

Report Run(const Program& program, Ordering ordering, uint64_t runs, int threads) {
  RunOptions options;
  options.ordering = ordering;
  options.runs = runs;
  options.seed = kSeed;
  options.threads = threads;
  return ExecuteRuns(program, options, nullptr);
}

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

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

}  // namespace

// Local is the only placement so far, so `options` changes nothing yet.
int DemoCommand(const DemoOptions& /*options*/, Console& console) {
  std::ostream& out = console.out;
  const int cores = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));

  StatusOr<Program> naive_deck = LoadEmbedded("transfer.deck", Ordering::kNone);
  StatusOr<Program> ordered_deck = LoadEmbedded("transfer.deck", Ordering::kCallbacks);
  StatusOr<Program> parallel_deck = LoadEmbedded("parallel.deck", Ordering::kCallbacks);
  for (const auto* loaded : {&naive_deck, &ordered_deck, &parallel_deck}) {
    if (!loaded->ok()) {
      console.err << "demo: " << loaded->status().message() << "\n";
      return 2;
    }
  }

  out << "cardflow demo: every run deals the stacks' cards in a new shuffled order.\n"
         "All stacks run in this process (local placement), seeds from "
      << kSeed << ".\n\n";

  out << "1. transfer.deck: A deposits 50, then B doubles the balance. 100 → 300?\n\n";
  const Report naive = Run(*naive_deck, Ordering::kNone, kTransferRuns, cores);
  out << "   Without callbacks (--ordering none): B's `await A` does not wait.\n"
      << Indent(ReportHistogram(naive), "   ");
  const uint64_t naive_ok = RunsMeetingExpect(naive);
  out << "   → only " << naive_ok << " of " << naive.runs
      << " runs end in 300: the others lost an update or did them in the\n"
         "     wrong order.\n\n";

  const Report ordered = Run(*ordered_deck, Ordering::kCallbacks, kTransferRuns, cores);
  out << "   With callbacks (--ordering callbacks): B reads only after A's callback.\n"
      << Indent(ReportHistogram(ordered), "   ");
  out << "   → " << ReportVerdict(ordered) << "\n\n";

  out << "2. parallel.deck: two stacks of CPU work, joined by a third through callbacks.\n";
  const Report one = Run(*parallel_deck, Ordering::kCallbacks, kParallelRuns, 1);
  const Report two = Run(*parallel_deck, Ordering::kCallbacks, kParallelRuns, 2);
  char speedup[32];
  std::snprintf(speedup, sizeof speedup, "%.2f×",
                two.wall_seconds > 0 ? one.wall_seconds / two.wall_seconds : 0.0);
  out << "   " << kParallelRuns << " runs on 1 worker thread:  " << Seconds(one.wall_seconds)
      << "\n"
      << "   " << kParallelRuns << " runs on 2 worker threads: " << Seconds(two.wall_seconds)
      << "   speed-up " << speedup
      << (std::thread::hardware_concurrency() < 2 ? " (this machine has one core)" : "") << "\n"
      << "   → a stack waiting for a callback holds no thread, so the two independent\n"
         "     stacks run side by side.\n"
      << "   → " << ReportVerdict(two) << "\n\n";

  out << "Try one yourself:\n"
         "   cardflow-coordinator run examples/transfer.deck --ordering none --runs 2000\n";
  out.flush();

  const bool held = naive.outcomes.size() > 1 && ordered.outcomes.size() == 1 &&
                    ReportExitCode(ordered) == 0 && ReportExitCode(two) == 0;
  if (!held) {
    console.err << "demo: the runs did not tell the expected story (see above)\n";
    return 1;
  }
  return 0;
}

}  // namespace cardflow
