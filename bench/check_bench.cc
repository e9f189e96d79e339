// `check` speed: states per second (CPU time of one thread) of the reduced
// search beside the plain search's (its baseline) on decks that grow — rings and fan-ins of 4 to 10
// stacks, both orderings — the pruning (executions plain / reduced), and
// the visited-set bytes per state. A plain program: one table, printed from
// one run, every figure beside its baseline.
//
//   build/bin/check_bench [--max-states N]
#include <fmt/format.h>
#include <time.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/check/explorer.h"
#include "common/deck/load.h"

namespace cardflow {
namespace {

std::string Name(int i) { return "S" + std::to_string(i); }

// A token round a ring of n stacks, each adding to it.
std::string Ring(int n) {
  std::string deck;
  for (int i = 0; i < n; ++i) {
    deck += "stack " + Name(i) + ":\n";
    if (i == 0) {
      deck += "    set t 1\n    notify " + Name(1) + " t\n    await " + Name(n - 1) + " -> t\n";
    } else {
      deck += "    await " + Name(i - 1) + " -> t\n    add t 1\n    notify " + Name((i + 1) % n) +
              " t\n";
    }
  }
  return deck + "outcome S0.t\nexpect S0.t == " + std::to_string(n) + "\n";
}

// n - 1 workers each write their own slot and call back a collector that
// sums the slots.
std::string FanIn(int n) {
  std::string deck;
  for (int i = 1; i < n; ++i) deck += "shared s" + std::to_string(i) + "\n";
  deck += "shared total\n";
  for (int i = 1; i < n; ++i) {
    deck += "stack " + Name(i) + ":\n    write " + std::to_string(i) + " -> s" + std::to_string(i) +
            "\n    notify S0\n";
  }
  deck += "stack S0:\n";
  for (int i = 1; i < n; ++i) deck += "    await " + Name(i) + "\n";
  for (int i = 1; i < n; ++i) {
    deck += "    read s" + std::to_string(i) + " -> a\n    add sum a\n";
  }
  return deck + "    write sum -> total\noutcome total\n";
}

std::string Independent(int n) {
  std::string deck;
  for (int i = 0; i < n; ++i) deck += "shared v" + std::to_string(i) + "\n";
  for (int i = 0; i < n; ++i) {
    deck += "stack " + Name(i) + ":\n";
    for (int w = 1; w <= 3; ++w) deck += fmt::format("    write {} -> v{}\n", w, i);
  }
  return deck;
}

// CPU time of this thread: the figure is "on one core", whatever else the
// machine is doing.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Row {
  uint64_t cache_bytes = 0;
  uint64_t states = 0;
  uint64_t executions = 0;
  double seconds = 0;
  bool complete = false;
};

Row Measure(const Program& program, Ordering ordering, bool reduction, uint64_t max_states) {
  CheckOptions options;
  options.ordering = ordering;
  options.reduction = reduction;
  options.max_states = max_states;
  // Best of three, for a quiet figure.
  Row best;
  for (int i = 0; i < 3; ++i) {
    const double start = CpuSeconds();
    const CheckResult result = Explore(program, options);
    const double seconds = CpuSeconds() - start;
    if (i == 0 || seconds < best.seconds) {
      best = Row{result.cache_bytes, result.states, result.executions, seconds, result.complete};
    }
    if (seconds > 2) break;
  }
  return best;
}

std::string Rate(const Row& row) {
  return row.seconds > 0 ? fmt::format("{:.2f}M", row.states / row.seconds / 1e6) : "-";
}

}  // namespace
}  // namespace cardflow

int main(int argc, char** argv) {
  using namespace cardflow;
  uint64_t max_states = 20'000'000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--max-states") == 0)
      max_states = std::strtoull(argv[i + 1], nullptr, 10);
  }
  fmt::print("{:<16} {:<9} | {:>10} {:>12} {:>9} {:>8} | {:>10} {:>14} {:>9} {:>8} {:>7} | {:>8}\n",
             "deck", "ordering", "states", "executions", "states/s", "ms", "plain st", "plain exec",
             "states/s", "ms", "B/state", "pruning");
  struct Family {
    const char* name;
    std::string (*make)(int);
    int from, to;
  };
  const Family families[] = {
      {"ring", Ring, 4, 10}, {"fan_in", FanIn, 4, 10}, {"independent", Independent, 4, 6}};
  for (const Family& family : families) {
    for (int n = family.from; n <= family.to; n += 2) {
      for (Ordering ordering : {Ordering::kCallbacks, Ordering::kNone}) {
        LoadResult loaded = LoadDeck(family.make(n), "bench.deck", ordering);
        if (!loaded.program) {
          fmt::print(stderr, "{}\n", FormatDiagnostics(loaded.errors));
          return 2;
        }
        const Row reduced = Measure(*loaded.program, ordering, true, max_states);
        const Row plain = Measure(*loaded.program, ordering, false, max_states);
        const std::string pruning =
            plain.complete && reduced.complete && reduced.executions > 0
                ? fmt::format("{:.0f}x", double(plain.executions) / double(reduced.executions))
                : "-";
        fmt::print(
            "{:<16} {:<9} | {:>10} {:>12} {:>9} {:>8.1f} | {:>10} {:>14} {:>9} {:>8.1f} {:>7.1f} | "
            "{:>8}\n",
            fmt::format("{}{}", family.name, n), OrderingName(ordering), reduced.states,
            reduced.executions, Rate(reduced), reduced.seconds * 1e3,
            fmt::format("{}{}", plain.states, plain.complete ? "" : "+"), plain.executions,
            Rate(plain), plain.seconds * 1e3,
            plain.states ? double(plain.cache_bytes) / double(plain.states) : 0.0, pruning);
      }
    }
  }
  return 0;
}
