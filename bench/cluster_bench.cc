// cluster_bench: cardflow's cross-node callbacks beside raw gRPC, measured
// in one process on loopback TCP, printed as ratios against the targets of
// issues 3 and 7:
//  - callback round trip (A on X notifies B on Y, B notifies A back)
//    p50 <= 1.5x a raw gRPC bidi ping-pong p50;
//  - >= 100,000 callbacks/s from X to Y, and >= 50% of raw gRPC streaming
//    messages/s;
//  - remote shared reads/s (a stack on a node reading the coordinator's
//    table), one stack and four, beside raw ping-pong round trips/s: a read
//    is one request and one reply, as a ping-pong is;
//  - small-deck runs/s: runs of transfer.deck on X and Y (8 in flight),
//    beside raw ping-pong round trips/s, printed as "raw round trips per
//    run";
//  - the seeded shuffle (issue 15): the cost of one granted step <= 1.5x a
//    raw ping-pong round trip, and >= 1,000 runs/s of transfer.deck.
// Reads/s and runs/s are differential — (N - n) / (wall(N) - wall(n)) —
// so the fixed cost of a RunCluster call (pings, assignment) drops out.
// Two NodeServers (X, Y) run in this process, as `--loopback 2` does; every
// callback still crosses a real gRPC stream. Times come from the nodes'
// event hook, so they measure the callbacks alone, not run setup.
//
//   cluster_bench [--round-trips N] [--rounds R] [--pairs P]
//                 [--callbacks-per-pair K] [--raw-messages M] [--threads T]
//                 [--reads N] [--runs N] [--steps N]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/raw_grpc.h"
#include "common/deck/load.h"
#include "coordinator/cluster/run_cluster.h"
#include "node/node_server.h"

namespace cardflow::bench {
namespace {

using Clock = std::chrono::steady_clock;

// What the node hooks record: per callback-sender stack, the time of each
// send; per receiver stack, the time of each await. Indexed by seq - 1.
struct Recorder {
  std::atomic<bool> on{false};
  std::mutex mutex;
  std::vector<std::vector<Clock::time_point>> sends;   // by StackId
  std::vector<std::vector<Clock::time_point>> awaits;  // by StackId

  void Reset(size_t stacks, size_t expected) {
    std::lock_guard lock(mutex);
    sends.assign(stacks, {});
    awaits.assign(stacks, {});
    for (auto& v : sends) v.reserve(expected);
    for (auto& v : awaits) v.reserve(expected);
  }
  void Record(const Event& event) {
    if (!on.load(std::memory_order_relaxed)) return;
    if (event.kind != EventKind::kSend && event.kind != EventKind::kAwait) return;
    const Clock::time_point now = Clock::now();
    std::lock_guard lock(mutex);
    (event.kind == EventKind::kSend ? sends : awaits)[event.stack].push_back(now);
  }
};

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

// A on X and B on Y play ping-pong `n` times.
std::string PingPongDeck(int n) {
  std::string a = "stack A on X:\n";
  std::string b = "stack B on Y:\n";
  for (int i = 0; i < n; ++i) {
    a += "    notify B\n    await B\n";
    b += "    await A\n    notify A\n";
  }
  return a + "\n" + b;
}

// `pairs` senders on X each send `k` callbacks to their own receiver on Y.
std::string StreamDeck(int pairs, int k) {
  std::string deck;
  for (int p = 0; p < pairs; ++p) {
    deck += "stack S" + std::to_string(p) + " on X:\n";
    for (int i = 0; i < k; ++i)
      deck += "    notify R" + std::to_string(p) + " " + std::to_string(i) + "\n";
    deck += "stack R" + std::to_string(p) + " on Y:\n";
    for (int i = 0; i < k; ++i) deck += "    await S" + std::to_string(p) + "\n";
  }
  return deck;
}

// `stacks` stacks, alternately on X and Y, each reading the shared `x`
// `reads` times.
// One stack on X printing `n` times: with the seeded shuffle each print is a
// visible step the coordinator grants, one round trip each.
std::string PrintDeck(int n) {
  std::string deck = "stack A on X:\n";
  for (int i = 0; i < n; ++i) deck += "    print 1\n";
  return deck;
}

std::string ReadDeck(int stacks, int reads) {
  std::string deck = "shared x = 1\n";
  for (int s = 0; s < stacks; ++s) {
    deck += "stack R" + std::to_string(s) + (s % 2 == 0 ? " on X:\n" : " on Y:\n");
    for (int i = 0; i < reads; ++i) deck += "    read x -> r\n";
  }
  return deck;
}

// What `items` more items cost: (items - small) / (wall(items) - wall(small)),
// the wall of RunDeck (or of `runs` runs) at two sizes, best of `repeat`.
double Differential(const std::vector<NodeAddress>& nodes, int repeat,
                    const std::function<bool(int, double*)>& run, int small, int items) {
  double best_small = 1e9;
  double best_large = 1e9;
  for (int i = 0; i < repeat; ++i) {
    double wall = 0;
    if (!run(small, &wall)) return 0;
    best_small = std::min(best_small, wall);
    if (!run(items, &wall)) return 0;
    best_large = std::min(best_large, wall);
  }
  return (items - small) / std::max(1e-9, best_large - best_small);
}

double RawRoundTripsPerSecond(const std::string& address, int count) {
  const std::vector<double> rtts = RawPingPong(address, count);
  double total_us = 0;
  for (double rtt : rtts) total_us += rtt;
  return rtts.size() / (total_us * 1e-6);
}

std::vector<double> Skip(std::vector<double> v) {
  return std::vector<double>(v.begin() + static_cast<long>(v.size() / 10), v.end());
}

bool RunDeck(const std::string& text, const std::vector<NodeAddress>& nodes, double* wall,
             uint64_t runs = 1, Shuffle shuffle = Shuffle::kNetwork) {
  LoadResult loaded = LoadDeck(text, "bench.deck", Ordering::kCallbacks);
  if (!loaded.program) {
    std::fprintf(stderr, "bench deck does not load:\n%s", FormatDiagnostics(loaded.errors).c_str());
    return false;
  }
  ClusterOptions options;
  options.nodes = nodes;
  options.runs = runs;
  options.shuffle = shuffle;
  StatusOr<Report> report = RunCluster(*loaded.program, options);
  if (!report.ok() || report->run_errors != 0 || report->expect_failures != 0) {
    std::fprintf(stderr, "bench run failed: %s\n", report.status().message().c_str());
    return false;
  }
  *wall = report->wall_seconds;
  return true;
}

// One ping-pong run of `n` round trips: each round trip, and its legs: A's
// send to B's await (X->Y), B's await to B's send (Y's turnaround through
// its engine), B's send to A's await (Y->X). Warm-up skipped.
struct RoundTrips {
  std::vector<double> rtt, there, turn, back;
};

bool MeasureRoundTrips(Recorder& recorder, const std::vector<NodeAddress>& nodes, int n,
                       RoundTrips* out) {
  recorder.Reset(2, static_cast<size_t>(n));
  recorder.on = true;
  double wall = 0;
  const bool ok = RunDeck(PingPongDeck(n), nodes, &wall);
  recorder.on = false;
  if (!ok) return false;
  std::lock_guard lock(recorder.mutex);
  const auto& a_sent = recorder.sends[0];
  const auto& a_got = recorder.awaits[0];
  const auto& b_got = recorder.awaits[1];
  const auto& b_sent = recorder.sends[1];
  const auto us = [](Clock::duration d) {
    return std::chrono::duration<double, std::micro>(d).count();
  };
  const size_t count = std::min({a_sent.size(), a_got.size(), b_got.size(), b_sent.size()});
  for (size_t i = count / 10; i < count; ++i) {
    out->rtt.push_back(us(a_got[i] - a_sent[i]));
    out->there.push_back(us(b_got[i] - a_sent[i]));
    out->turn.push_back(us(b_sent[i] - b_got[i]));
    out->back.push_back(us(a_got[i] - b_sent[i]));
  }
  return true;
}

int Main(int argc, char** argv) {
  int round_trips = 20000;
  int pairs = 4;
  int per_pair = 50000;
  int raw_messages = 200000;
  int threads = 0;
  int rounds = 5;
  int reads = 20000;
  int runs = 1000;
  int steps = 20000;
  int events = 200000;
  CLI::App app{"cardflow cluster benchmark: cross-node callbacks vs raw gRPC"};
  app.add_option("--round-trips", round_trips, "callback round trips A<->B (and raw ping-pongs)");
  app.add_option("--pairs", pairs, "sender/receiver stack pairs for throughput");
  app.add_option("--callbacks-per-pair", per_pair, "callbacks each sender sends");
  app.add_option("--raw-messages", raw_messages, "messages of the raw streaming baseline");
  app.add_option("--rounds", rounds, "alternating raw / callback latency rounds");
  app.add_option("--threads", threads, "worker threads per node (0: one per core)");
  app.add_option("--reads", reads, "shared reads per stack for remote reads/s");
  app.add_option("--runs", runs, "runs of transfer.deck for runs/s");
  app.add_option("--steps", steps, "granted steps for the seeded shuffle's cost per step");
  app.add_option("--events", events, "prints of one stack for streamed events/s");
  CLI11_PARSE(app, argc, argv);

  Recorder recorder;
  std::vector<std::unique_ptr<NodeServer>> servers;
  std::vector<NodeAddress> nodes;
  for (const char* name : {"X", "Y"}) {
    NodeOptions options;
    options.name = name;
    options.threads = threads;
    options.log_level = "warn";
    options.on_event = [&recorder](uint64_t, const Event& event) { recorder.Record(event); };
    servers.push_back(std::make_unique<NodeServer>(options));
    StatusOr<std::string> address = servers.back()->Start();
    if (!address.ok()) {
      std::fprintf(stderr, "%s\n", address.status().message().c_str());
      return 1;
    }
    nodes.push_back({name, *address});
  }
  RawServer raw;
  std::printf("cluster_bench: 2 nodes in process on loopback TCP, %u cores\n\n",
              std::thread::hardware_concurrency());

  // Latency: raw ping-pong and callback round trips, alternating over
  // `rounds` rounds so that both see the same machine; the first 10% of each
  // round is warm-up. Samples of all rounds are pooled.
  std::vector<double> raw_rtt, rtt, there, turn, back;
  std::vector<std::pair<double, double>> round_p50s;  // (raw, callback)
  const int per_round = std::max(100, round_trips / rounds);
  for (int round = 0; round < rounds; ++round) {
    const std::vector<double> raw_round = Skip(RawPingPong(raw.address(), per_round));
    RoundTrips trips;
    if (!MeasureRoundTrips(recorder, nodes, per_round, &trips)) return 1;
    raw_rtt.insert(raw_rtt.end(), raw_round.begin(), raw_round.end());
    rtt.insert(rtt.end(), trips.rtt.begin(), trips.rtt.end());
    there.insert(there.end(), trips.there.begin(), trips.there.end());
    turn.insert(turn.end(), trips.turn.begin(), trips.turn.end());
    back.insert(back.end(), trips.back.begin(), trips.back.end());
    round_p50s.emplace_back(Percentile(raw_round, 0.5), Percentile(trips.rtt, 0.5));
  }
  const double raw_p50 = Percentile(raw_rtt, 0.5);
  const double p50 = Percentile(rtt, 0.5);
  std::printf("round trip      raw gRPC ping-pong   p50 %7.1f us  p99 %7.1f us  (%zu)\n", raw_p50,
              Percentile(raw_rtt, 0.99), raw_rtt.size());
  std::printf("                callback X->Y->X     p50 %7.1f us  p99 %7.1f us  (%zu)\n", p50,
              Percentile(rtt, 0.99), rtt.size());
  std::printf("                legs p50: X->Y %.1f us, Y turnaround %.1f us, Y->X %.1f us\n",
              Percentile(there, 0.5), Percentile(turn, 0.5), Percentile(back, 0.5));
  std::printf("                p50 per round (raw / callback):");
  for (const auto& [r, cb] : round_p50s) std::printf(" %.0f/%.0f", r, cb);
  std::printf(" us\n");
  std::printf("                ratio p50 %.2fx (target <= 1.5x): %s\n\n", p50 / raw_p50,
              p50 <= 1.5 * raw_p50 ? "met" : "NOT met");

  // Throughput: raw one-way streaming, then callbacks X -> Y.
  const double raw_rate = RawStreaming(raw.address(), raw_messages);
  double wall = 0;
  recorder.Reset(static_cast<size_t>(2 * pairs), static_cast<size_t>(per_pair));
  recorder.on = true;
  if (!RunDeck(StreamDeck(pairs, per_pair), nodes, &wall)) return 1;
  recorder.on = false;
  Clock::time_point first = Clock::time_point::max();
  Clock::time_point last = Clock::time_point::min();
  size_t received = 0;
  {
    std::lock_guard lock(recorder.mutex);
    for (const auto& sends : recorder.sends) {
      if (!sends.empty()) first = std::min(first, sends.front());
    }
    for (const auto& awaits : recorder.awaits) {
      if (!awaits.empty()) last = std::max(last, awaits.back());
      received += awaits.size();
    }
  }
  const double seconds = std::chrono::duration<double>(last - first).count();
  const double rate = received / seconds;
  std::printf("throughput      raw gRPC streaming   %10.0f msgs/s  (%d messages, 1 per write)\n",
              raw_rate, raw_messages);
  std::printf(
      "                callbacks X->Y       %10.0f /s      (%zu in %.3f s; run wall %.3f s)\n",
      rate, received, seconds, wall);
  std::printf("                ratio %.2fx of raw (target >= 0.5x): %s; >= 100,000/s: %s\n",
              rate / raw_rate, rate >= 0.5 * raw_rate ? "met" : "NOT met",
              rate >= 100000 ? "met" : "NOT met");

  // Remote shared reads: one stack (latency-bound, one read in flight), then
  // four stacks on two nodes.
  const double raw_trips = RawRoundTripsPerSecond(raw.address(), 20000);
  const auto read_run = [&](int stacks) {
    return [&, stacks](int n, double* wall) { return RunDeck(ReadDeck(stacks, n), nodes, wall); };
  };
  const double reads1 = Differential(nodes, 3, read_run(1), reads / 10, reads);
  const double reads4 = 4 * Differential(nodes, 3, read_run(4), reads / 40, reads / 4);
  std::printf("shared reads    raw gRPC ping-pong   %10.0f round trips/s (one stream)\n",
              raw_trips);
  std::printf("                1 stack on X         %10.0f reads/s  ratio %.2fx of raw\n", reads1,
              reads1 / raw_trips);
  std::printf("                4 stacks on X, Y     %10.0f reads/s  ratio %.2fx of raw\n\n", reads4,
              reads4 / raw_trips);

  // Small-deck runs: transfer.deck, A on X and B on Y.
  const std::string transfer =
      "shared balance = 100\nstack A on X:\n    read balance -> a\n    add a 50\n"
      "    write a -> balance\n    notify B\nstack B on Y:\n    await A\n"
      "    read balance -> b\n    mul b 2\n    write b -> balance\nexpect balance == 300\n";
  const double run_rate = Differential(
      nodes, 2,
      [&](int n, double* wall) { return RunDeck(transfer, nodes, wall, static_cast<uint64_t>(n)); },
      runs / 10, runs);
  std::printf("small decks     transfer.deck on X,Y %10.0f runs/s   (%d runs, 8 in flight)\n",
              run_rate, runs);
  std::printf("                ratio %.4fx of raw round trips/s: %.1f raw round trips per run\n\n",
              run_rate / raw_trips, raw_trips / run_rate);

  // Streamed events: one stack on X printing (network shuffle). Every print
  // is an event the node streams to the coordinator in batches while the
  // run goes on (stacks park while too many batches are unwritten) and the
  // coordinator folds; beside raw gRPC streaming of one message per write.
  const double event_rate = Differential(
      nodes, 3, [&](int n, double* wall) { return RunDeck(PrintDeck(n), nodes, wall); },
      events / 10, events);
  std::printf("streamed events raw gRPC streaming   %10.0f msgs/s  (above)\n", raw_rate);
  std::printf(
      "                1 stack on X prints  %10.0f events/s (%d events) ratio %.2fx of raw\n\n",
      event_rate, events, event_rate / raw_rate);

  // The seeded shuffle: every visible step waits for the coordinator's
  // grant. Cost per step from a one-stack deck of prints (differential),
  // beside the raw ping-pong round trip of this run; then transfer.deck.
  const double raw_rtt_us = 1e6 / RawRoundTripsPerSecond(raw.address(), 20000);
  const double step_rate = Differential(
      nodes, 3,
      [&](int n, double* wall) { return RunDeck(PrintDeck(n), nodes, wall, 1, Shuffle::kSeeded); },
      steps / 10, steps);
  const double step_us = 1e6 / step_rate;
  std::printf(
      "seeded shuffle  raw gRPC ping-pong   %7.1f us mean round trip, p50 %.1f us (above)\n",
      raw_rtt_us, raw_p50);
  std::printf("                granted step on X    %7.1f us per step (%d steps)\n", step_us,
              steps);
  std::printf("                ratio %.2fx of the mean round trip (target <= 1.5x): %s\n",
              step_us / raw_rtt_us, step_us <= 1.5 * raw_rtt_us ? "met" : "NOT met");
  const double seeded_rate = Differential(
      nodes, 2,
      [&](int n, double* wall) {
        return RunDeck(transfer, nodes, wall, static_cast<uint64_t>(n), Shuffle::kSeeded);
      },
      runs / 10, runs);
  std::printf(
      "                transfer.deck on X,Y %10.0f runs/s   (%d runs, 8 in flight; target "
      ">= 1,000: %s)\n",
      seeded_rate, runs, seeded_rate >= 1000 ? "met" : "NOT met");
  for (auto& server : servers) server->Stop();
  return 0;
}

}  // namespace
}  // namespace cardflow::bench

int main(int argc, char** argv) { return cardflow::bench::Main(argc, argv); }
