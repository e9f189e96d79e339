// Local engine speed beside its floor, measured in the same run. Every
// figure with a floor is printed as a ratio at the end ("ratios").
//
// The floor is a raw asio::post chain on the executor the engine itself runs
// on: an asio::thread_pool of one thread, created and joined inside the timed
// region, exactly as RunLocal does. (Earlier sessions compared with an
// io_context run by the calling thread; that figure is still printed, as
// BM_RawPostIoContext, but it is not the same executor kind.)
//
//  - BM_RawPostPool: 4 chains of asio::post on a 1-thread thread_pool (the
//    floor: one post per card is what "a scheduling point between every
//    card" costs);
//  - BM_RawPostPoolAny: the same chains through a type-erased
//    asio::any_io_executor (what the engine is handed);
//  - BM_RawPostIoContext: one chain on an io_context in the calling thread;
//  - BM_EngineLocalCards: 4 stacks of `add` cards, every card posted;
//  - BM_EngineVisibleCards: every card a shared write through the sequencer;
//  - BM_SharedReads / BM_SharedWrites: table reads / writes per second;
//  - BM_LocalCallbacks: notify/await pairs through the sequencer's channels;
//  - BM_TransferRuns: 10,000 seeded runs of transfer.deck, naive ordering;
//  - BM_ParseDeck: LoadDeck (lex, parse, check, compile) in MB/s, beside
//    BM_RawLineScan, a memchr pass over the same bytes.
#include <benchmark/benchmark.h>

#include <asio/any_io_executor.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/thread_pool.hpp>
#include <cstring>
#include <map>
#include <string>

#include "common/deck/load.h"
#include "common/local/local_runner.h"
#include "coordinator/embedded_decks.h"

namespace cardflow {
namespace {

constexpr int kChains = 4;  // as many as BM_EngineLocalCards has stacks

Program Load(std::string_view text, Ordering ordering = Ordering::kCallbacks) {
  LoadResult loaded = LoadDeck(text, "bench.deck", ordering);
  if (!loaded.program) {
    fprintf(stderr, "%s", FormatDiagnostics(loaded.errors).c_str());
    std::abort();
  }
  return *std::move(loaded.program);
}

std::string ManyCards(int stacks, int cards, const char* card) {
  std::string text = "shared x\n";
  for (int s = 0; s < stacks; ++s) {
    text += "stack S" + std::to_string(s) + ":\n";
    for (int c = 0; c < cards; ++c) text += std::string("    ") + card + "\n";
  }
  return text;
}

// `pairs` senders each notify their own receiver `k` times.
std::string CallbackPairs(int pairs, int k) {
  std::string text;
  for (int p = 0; p < pairs; ++p) {
    const std::string n = std::to_string(p);
    text += "stack S" + n + ":\n";
    for (int i = 0; i < k; ++i) text += "    notify R" + n + " " + std::to_string(i) + "\n";
    text += "stack R" + n + ":\n";
    for (int i = 0; i < k; ++i) text += "    await S" + n + " -> v\n";
  }
  return text;
}

// A deck that uses every card kind and every top-level statement, `stacks`
// stacks long: the parser benchmark's input.
std::string ParserDeck(int stacks) {
  std::string text = "# parser benchmark deck\nshared total = 0\nshared flag\n";
  for (int s = 0; s < stacks; ++s) {
    const std::string me = "S" + std::to_string(s);
    const std::string next = "S" + std::to_string((s + 1) % stacks);
    const std::string prev = "S" + std::to_string((s + stacks - 1) % stacks);
    text += "stack " + me + " on n" + std::to_string(s % 4) + ":\n";
    text += "    read total -> a      # a comment\n    add a 1\n    sub a 2\n    mul a 3\n";
    text += "    div a 4\n    mod a 5\n    set b a\n    write b -> total\n    work 1\n";
    text += "    sleep 1\n    print a\n";
    if (s % 2 == 0) {
      text += "    notify " + next + " 7\n";
    } else {
      text += "    await " + prev + " -> c\n";
    }
  }
  text += "expect total >= 0\noutcome total, S0.a\n";
  return text;
}

// One chain of `left` posts: each handler posts the next.
template <typename Executor>
struct Chain {
  Executor executor;
  int* left;
  void operator()() const {
    if (--*left > 0) asio::post(executor, *this);
  }
};

// `kChains` interleaved chains, `posts` posts in all, on a fresh 1-thread
// thread_pool, posting through an executor of type Executor.
template <typename Executor>
void PostOnPool(benchmark::State& state) {
  constexpr int kPosts = 1'000'000;
  for (auto _ : state) {
    asio::thread_pool pool(static_cast<size_t>(state.range(0)));
    int left[kChains];
    for (int& l : left) l = kPosts / kChains;
    const Executor executor = pool.get_executor();
    for (int& l : left) asio::post(executor, Chain<Executor>{executor, &l});
    pool.join();
  }
  state.SetItemsProcessed(state.iterations() * kPosts);
}

void BM_RawPostPool(benchmark::State& state) {
  PostOnPool<asio::thread_pool::executor_type>(state);
}
BENCHMARK(BM_RawPostPool)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RawPostPoolAny(benchmark::State& state) { PostOnPool<asio::any_io_executor>(state); }
BENCHMARK(BM_RawPostPoolAny)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RawPostIoContext(benchmark::State& state) {
  constexpr int kPosts = 1'000'000;
  for (auto _ : state) {
    asio::io_context io;
    int left = kPosts;
    const auto executor = io.get_executor();
    asio::post(executor, Chain<decltype(executor)>{executor, &left});
    io.run();
  }
  state.SetItemsProcessed(state.iterations() * kPosts);
}
BENCHMARK(BM_RawPostIoContext)->Unit(benchmark::kMillisecond)->UseRealTime();

void RunCards(benchmark::State& state, const Program& program, int64_t items, int threads = 1) {
  LocalOptions options;
  options.threads = threads;
  for (auto _ : state) {
    const Report report = RunLocal(program, options);
    if (report.outcomes.size() != 1 || report.run_errors != 0) {
      state.SkipWithError("engine did not finish");
    }
  }
  state.SetItemsProcessed(state.iterations() * items);
}

void BM_EngineLocalCards(benchmark::State& state) {
  const Program program = Load(ManyCards(kChains, 250'000, "add r 1"));
  RunCards(state, program, 1'000'000, static_cast<int>(state.range(0)));
}
BENCHMARK(BM_EngineLocalCards)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_EngineVisibleCards(benchmark::State& state) {
  const Program program = Load(ManyCards(kChains, 100'000, "write 1 -> x"));
  RunCards(state, program, 400'000);
}
BENCHMARK(BM_EngineVisibleCards)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SharedReads(benchmark::State& state) {
  const Program program = Load(ManyCards(kChains, 100'000, "read x -> r"));
  RunCards(state, program, 400'000);
}
BENCHMARK(BM_SharedReads)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SharedWrites(benchmark::State& state) {
  const Program program = Load(ManyCards(kChains, 100'000, "write r -> x"));
  RunCards(state, program, 400'000);
}
BENCHMARK(BM_SharedWrites)->Unit(benchmark::kMillisecond)->UseRealTime();

// Items are callbacks: each is a notify, an arrival and an await.
void BM_LocalCallbacks(benchmark::State& state) {
  const Program program = Load(CallbackPairs(2, 100'000));
  RunCards(state, program, 200'000);
}
BENCHMARK(BM_LocalCallbacks)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TransferRuns(benchmark::State& state) {
  const Program program = Load(FindEmbeddedDeck("transfer.deck")->text, Ordering::kNone);
  LocalOptions options;
  options.ordering = Ordering::kNone;
  options.runs = 10'000;
  options.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    const Report report = RunLocal(program, options);
    benchmark::DoNotOptimize(report.outcomes.size());
  }
  state.SetItemsProcessed(state.iterations() * options.runs);
}
BENCHMARK(BM_TransferRuns)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ParseDeck(benchmark::State& state) {
  const std::string text = ParserDeck(20'000);
  for (auto _ : state) {
    LoadResult loaded = LoadDeck(text, "bench.deck", Ordering::kCallbacks);
    if (!loaded.program) state.SkipWithError("parser deck does not load");
    benchmark::DoNotOptimize(loaded);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ParseDeck)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RawLineScan(benchmark::State& state) {
  const std::string text = ParserDeck(20'000);
  for (auto _ : state) {
    size_t lines = 0;
    for (const char* p = text.data();
         (p = static_cast<const char*>(std::memchr(p, '\n', text.data() + text.size() - p))); ++p) {
      ++lines;
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_RawLineScan)->Unit(benchmark::kMillisecond)->UseRealTime();

// Prints the console table, then each figure as a ratio of its floor, taken
// from this same run (the median when --benchmark_repetitions is given).
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type == Run::RT_Aggregate && !median) continue;
      const std::string name = run.run_name.str();
      if (!median && medians_.count(name)) continue;
      if (median) medians_.insert({name, true});
      for (const char* counter : {"items_per_second", "bytes_per_second"}) {
        const auto it = run.counters.find(counter);
        if (it != run.counters.end()) rates_[name] = it->second.value;
      }
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    struct Ratio {
      const char* figure;
      const char* floor;
      const char* target;
    };
    const Ratio ratios[] = {
        {"BM_EngineLocalCards/1/real_time", "BM_RawPostPool/1/real_time", ">= 0.5x (issue 7)"},
        {"BM_EngineLocalCards/2/real_time", "BM_RawPostPool/2/real_time", "(2 threads)"},
        {"BM_EngineLocalCards/1/real_time", "BM_RawPostPoolAny/1/real_time", ""},
        {"BM_EngineLocalCards/1/real_time", "BM_RawPostIoContext/real_time", ""},
        {"BM_RawPostPoolAny/1/real_time", "BM_RawPostPool/1/real_time", ""},
        {"BM_EngineVisibleCards/real_time", "BM_RawPostPool/1/real_time", ""},
        {"BM_SharedReads/real_time", "BM_RawPostPool/1/real_time", ""},
        {"BM_SharedWrites/real_time", "BM_RawPostPool/1/real_time", ""},
        {"BM_LocalCallbacks/real_time", "BM_RawPostPool/1/real_time", ""},
        {"BM_ParseDeck/real_time", "BM_RawLineScan/real_time", ""},
    };
    std::printf("\nratios (same run):\n");
    for (const Ratio& r : ratios) {
      const auto figure = rates_.find(r.figure);
      const auto floor = rates_.find(r.floor);
      if (figure == rates_.end() || floor == rates_.end() || floor->second == 0) continue;
      std::printf("  %-34s / %-30s = %6.3fx  %s\n", r.figure, r.floor,
                  figure->second / floor->second, r.target);
    }
    std::fflush(stdout);
  }

 private:
  std::map<std::string, double> rates_;
  std::map<std::string, bool> medians_;
};

}  // namespace
}  // namespace cardflow

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  cardflow::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
