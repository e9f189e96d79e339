// cardflow-chaos throughput beside its floor, measured in the same run:
//  - BM_DirectLoopback: one-way bulk transfer client → sink over loopback;
//  - BM_ThroughProxy: the same transfer through a chaos link, no toxics;
//  - BM_ThroughProxyZeroLatency: through a link with a 0 ms latency toxic,
//    i.e. the toxic path (chain, due times) with no delay.
// Each iteration sends kTransferBytes, half-closes, and waits for the
// sink's close to come back, so every byte has arrived when the clock stops.
// Repetitions are interleaved at random (ABCBAC...), so load from other
// processes falls on all three alike; main then prints the ratios of the
// medians, proxy / direct (the target is >= 80%).
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "chaos/link_spec.h"
#include "chaos/proxy.h"
#include "chaos/toxic_spec.h"

namespace cardflow::chaos {
namespace {

constexpr size_t kTransferBytes = 64 << 20;
constexpr size_t kWriteSize = 256 << 10;

// Accepts connections on 127.0.0.1 and reads each to its end, discarding,
// then closes it: a consumer that is never the bottleneck.
class Sink {
 public:
  Sink() {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(listener_, 16) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      std::perror("sink");
      std::abort();
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "sink");
      Serve();
    });
  }
  ~Sink() {
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    thread_.join();
  }
  uint16_t port() const { return port_; }

 private:
  void Serve() {
    std::vector<char> buffer(kWriteSize);
    for (;;) {
      const int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      while (recv(fd, buffer.data(), buffer.size(), 0) > 0) {
      }
      close(fd);
    }
  }

  int listener_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

// Sends kTransferBytes to 127.0.0.1:port and waits until the far end has
// closed (so all of it was read). False on any failure.
bool Transfer(uint16_t port, const std::vector<char>& block) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  for (size_t sent = 0; ok && sent < kTransferBytes;) {
    const ssize_t n = send(fd, block.data(), std::min(block.size(), kTransferBytes - sent), 0);
    ok = n > 0;
    sent += ok ? static_cast<size_t>(n) : 0;
  }
  shutdown(fd, SHUT_WR);
  char byte;
  ok = ok && recv(fd, &byte, 1, 0) == 0;
  close(fd);
  return ok;
}

void RunTransfers(benchmark::State& state, uint16_t port) {
  const std::vector<char> block(kWriteSize, 'c');
  for (auto _ : state) {
    if (!Transfer(port, block)) {
      state.SkipWithError("transfer failed");
      return;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kTransferBytes));
}

// A proxy with one link in front of `sink`, optionally with one toxic.
std::unique_ptr<Proxy> StartProxy(const Sink& sink, uint16_t* port,
                                  const ToxicSpec* toxic = nullptr) {
  auto proxy = std::make_unique<Proxy>(/*seed=*/1);
  const LinkSpec spec{"bench", {"127.0.0.1", 0}, {"127.0.0.1", sink.port()}};
  const StatusOr<asio::ip::tcp::endpoint> endpoint = proxy->AddLink(spec);
  if (!endpoint.ok()) {
    std::fprintf(stderr, "%s\n", endpoint.status().message().c_str());
    std::abort();
  }
  *port = endpoint->port();
  proxy->Start();
  if (toxic != nullptr) {
    const Status added =
        proxy->Run([toxic](Proxy& p) { return p.FindLink("bench")->AddToxic(*toxic); }).get();
    if (!added.ok()) std::abort();
  }
  return proxy;
}

void BM_DirectLoopback(benchmark::State& state) {
  Sink sink;
  RunTransfers(state, sink.port());
}

void BM_ThroughProxy(benchmark::State& state) {
  Sink sink;
  uint16_t port = 0;
  const std::unique_ptr<Proxy> proxy = StartProxy(sink, &port);
  RunTransfers(state, port);
}

void BM_ThroughProxyZeroLatency(benchmark::State& state) {
  Sink sink;
  uint16_t port = 0;
  const ToxicSpec toxic{"zero", Stream::kUpstream, 1.0, LatencyParams{0, 0}};
  const std::unique_ptr<Proxy> proxy = StartProxy(sink, &port, &toxic);
  RunTransfers(state, port);
}

constexpr int kRepetitions = 9;
BENCHMARK(BM_DirectLoopback)->UseRealTime()->Repetitions(kRepetitions);
BENCHMARK(BM_ThroughProxy)->UseRealTime()->Repetitions(kRepetitions);
BENCHMARK(BM_ThroughProxyZeroLatency)->UseRealTime()->Repetitions(kRepetitions);

// The console report, keeping each benchmark's median bytes/s.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.aggregate_name != "median") continue;
      const auto it = run.counters.find("bytes_per_second");
      if (it != run.counters.end()) median_[run.run_name.function_name] = it->second.value;
    }
  }
  double median(const std::string& name) const {
    const auto it = median_.find(name);
    return it == median_.end() ? 0.0 : it->second;
  }

 private:
  std::map<std::string, double> median_;
};

}  // namespace
}  // namespace cardflow::chaos

int main(int argc, char** argv) {
  // Interleave by default; a flag given on the command line comes later and wins.
  std::vector<char*> args(argv, argv + argc);
  char interleave[] = "--benchmark_enable_random_interleaving=true";
  args.insert(args.begin() + 1, interleave);
  argc = static_cast<int>(args.size());
  argv = args.data();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  cardflow::chaos::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double direct = reporter.median("BM_DirectLoopback");
  for (const char* name : {"BM_ThroughProxy", "BM_ThroughProxyZeroLatency"}) {
    const double proxied = reporter.median(name);
    if (direct > 0 && proxied > 0) {
      std::printf("%s / BM_DirectLoopback (medians): %.1f%% (%.0f MiB/s vs %.0f MiB/s)\n", name,
                  100.0 * proxied / direct, proxied / (1 << 20), direct / (1 << 20));
    }
  }
  benchmark::Shutdown();
  return 0;
}
