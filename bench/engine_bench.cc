// Local engine speed beside its floor, measured in the same run:
//  - BM_RawAsioPost: a chain of asio::post on one thread (the floor: one
//    post per card is what "a scheduling point between every card" costs);
//  - BM_EngineLocalCards: cards/s of the engine, every card posted;
//  - BM_EngineVisibleCards: cards/s when every card goes through the
//    seeded sequencer (shared writes);
//  - BM_TransferRuns: 10,000 seeded runs of transfer.deck, naive ordering.
#include <benchmark/benchmark.h>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <string>

#include "common/deck/load.h"
#include "common/local/local_runner.h"
#include "coordinator/embedded_decks.h"

namespace cardflow {
namespace {

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

void BM_RawAsioPost(benchmark::State& state) {
  constexpr int kPosts = 1'000'000;
  for (auto _ : state) {
    asio::io_context io;
    int left = kPosts;
    std::function<void()> next = [&] {
      if (--left > 0) asio::post(io, [&] { next(); });
    };
    asio::post(io, [&] { next(); });
    io.run();
  }
  state.SetItemsProcessed(state.iterations() * kPosts);
}
BENCHMARK(BM_RawAsioPost)->Unit(benchmark::kMillisecond)->UseRealTime();

void RunCards(benchmark::State& state, const Program& program, int64_t cards) {
  LocalOptions options;
  options.threads = 1;
  for (auto _ : state) {
    const Report report = RunLocal(program, options);
    if (report.outcomes.size() != 1) state.SkipWithError("engine did not finish");
  }
  state.SetItemsProcessed(state.iterations() * cards);
}

void BM_EngineLocalCards(benchmark::State& state) {
  const Program program = Load(ManyCards(4, 250'000, "add r 1"));
  RunCards(state, program, 1'000'000);
}
BENCHMARK(BM_EngineLocalCards)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_EngineVisibleCards(benchmark::State& state) {
  const Program program = Load(ManyCards(4, 100'000, "write 1 -> x"));
  RunCards(state, program, 400'000);
}
BENCHMARK(BM_EngineVisibleCards)->Unit(benchmark::kMillisecond)->UseRealTime();

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

}  // namespace
}  // namespace cardflow

BENCHMARK_MAIN();
