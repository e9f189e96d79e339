// Scale out (issue 17) on real node processes: a ring spread over four
// nodes reports what it reports on one (seeded: byte for byte but for the
// placement), each node is sent only its share of the deck, and once a node
// has a program the assignment of a run is a few dozen bytes; the
// coordinator of a 100,000-stack ring stays within its memory bound.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/report/report.h"
#include "coordinator/cluster/run_cluster.h"
#include "proto/program_wire.h"
#include "tests/child_process.h"
#include "tests/integration/node_process.h"
#include "tests/integration/prometheus_text.h"
#include "tests/local/deck_fixture.h"
#include "tests/test_paths.h"

namespace cardflow {
namespace {

using testing::NodeProcess;

// Every stack adds one to `total` (racing with the others), tells the next
// one and waits for the one before: many outcomes, one per seed.
std::string RingDeck(int n) {
  std::string deck = "shared total\n";
  for (int i = 0; i < n; ++i) {
    deck += "stack S" + std::to_string(i) + ":\n    read total -> t\n    add t 1\n" +
            "    write t -> total\n    notify S" + std::to_string((i + 1) % n) + " " +
            std::to_string(i) + "\n    await S" + std::to_string((i + n - 1) % n) + " -> v\n";
  }
  return deck + "outcome total\n";
}

double Value(const std::string& page, const std::string& name, const std::string& node) {
  return testing::MetricValue(page, name, {{"node", node}}).value_or(-1);
}

nlohmann::json WithoutPlacement(const Report& report) {
  nlohmann::json json = nlohmann::json::parse(ReportToJson(report));
  json.erase("placement");
  return json;
}

TEST(ScaleOutTest, ARingOnFourNodesReportsAsOnOneAndWarmAssignmentsAreSmall) {
  std::vector<std::unique_ptr<NodeProcess>> nodes;
  std::vector<NodeAddress> addresses;
  for (int i = 1; i <= 4; ++i) {
    std::string error;
    nodes.push_back(
        NodeProcess::Start("n" + std::to_string(i), &error, {"--metrics", "127.0.0.1:0"}));
    ASSERT_TRUE(nodes.back()) << error;
    addresses.push_back({nodes.back()->name(), nodes.back()->address()});
  }
  constexpr int kStacks = 400;
  constexpr uint64_t kRuns = 40;
  const std::string text = RingDeck(kStacks);
  const Program program = testing::MustLoad(text);

  ClusterOptions four;
  four.nodes = addresses;
  four.runs = kRuns;
  four.shuffle = Shuffle::kSeeded;
  StatusOr<Report> on_four = RunCluster(program, four);
  ASSERT_TRUE(on_four.ok()) << on_four.status().ToString();
  std::set<std::string> used;
  for (const auto& [stack, node] : on_four->placement) used.insert(node);
  EXPECT_EQ(used.size(), 4u);
  EXPECT_GT(on_four->outcomes.size(), 1u);  // the ring races: the test can tell reports apart

  // What each node was sent: its share of the program once, then keys.
  std::string whole;
  NodeProgramToWire(program, std::vector<uint32_t>(kStacks, 0), {{"n1", "127.0.0.1:1"}}, 0)
      .SerializeToString(&whole);
  for (const auto& node : nodes) {
    const std::string page = testing::ScrapeMetrics(testing::MetricsAddressIn(node->Log()));
    ASSERT_FALSE(page.empty()) << node->Log();
    const double assigns = Value(page, "cardflow_node_assigns_total", node->name());
    const double bytes = Value(page, "cardflow_node_assign_bytes_total", node->name());
    const double cached = Value(page, "cardflow_node_assigns_cached_total", node->name());
    const double cached_bytes =
        Value(page, "cardflow_node_assign_bytes_cached_total", node->name());
    EXPECT_EQ(assigns, kRuns) << page;
    // At most the runs in flight when the first assign went out can have
    // missed the program (then it is sent again with them).
    EXPECT_GE(cached, kRuns - 8) << page;
    EXPECT_LE(cached_bytes / cached, 100) << "bytes of a warm assignment";
    const double with_program = (bytes - cached_bytes) / (assigns - cached);
    EXPECT_LT(with_program, whole.size() / 2.0) << "a node is sent its share, not the deck";
  }

  ClusterOptions one = four;
  for (const StackProgram& stack : program.stacks) one.place.emplace_back(stack.name, "n1");
  StatusOr<Report> on_one = RunCluster(program, one);
  ASSERT_TRUE(on_one.ok()) << on_one.status().ToString();
  EXPECT_EQ(WithoutPlacement(*on_four), WithoutPlacement(*on_one));

  // The network shuffle on four nodes: every run completes, none out of order.
  ClusterOptions network = four;
  network.shuffle = Shuffle::kNetwork;
  StatusOr<Report> shuffled = RunCluster(program, network);
  ASSERT_TRUE(shuffled.ok()) << shuffled.status().ToString();
  EXPECT_EQ(shuffled->runs, kRuns);
  EXPECT_EQ(shuffled->order_violations, 0u);
}

// How much more memory the same work takes in this build: sanitizers'
// shadow memory and redzones multiply every allocation.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr long kSanitizerMemoryFactor = 8;
constexpr int kBigRing = 20'000;  // the build is slower too
#else
constexpr long kSanitizerMemoryFactor = 1;
constexpr int kBigRing = 100'000;
#endif

// bench/scaling.sh's ring: read the shared variable, notify the next stack,
// await the one before.
void WriteScalingRing(int n, const std::string& path) {
  std::ofstream out(path);
  out << "shared total\n";
  for (int i = 0; i < n; ++i) {
    out << "stack S" << i << ":\n    read total -> t\n    notify S" << (i + 1) % n << " " << i
        << "\n    await S" << (i + n - 1) % n << " -> v\n    add v 1\n";
  }
  out << "outcome total\n";
}

// A process's peak RSS in KiB (VmHWM of /proc/PID/status), 0 if unread.
long NodePeakKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// Issue 17: the coordinator's and the node's peak memory for a
// 100,000-stack ring on one node (bench/README.md, scaling table; the
// issue's aim for the coordinator is 100 MiB). The coordinator's is the
// peak RSS of the `cardflow-coordinator run` process (getrusage of the
// reaped children: the largest of them, and the node is still running);
// the node's, its VmHWM before it stops. Bounds with headroom over the
// figures of bench/scaling.sh, so that the test fails on a regression, not
// on noise.
TEST(ScaleOutTest, PeakMemoryOfAHundredThousandStackRingIsBounded) {
  std::string error;
  auto node = NodeProcess::Start("n1", &error, {"--threads", "1"});
  ASSERT_TRUE(node) << error;
  const std::string deck = ::testing::TempDir() + "/scale_out_ring.deck";
  WriteScalingRing(kBigRing, deck);
  auto coordinator =
      testing::ChildProcess::Spawn({testing::BinDir() + "/cardflow-coordinator", "run", deck,
                                    "--runs", "1", "--node", "n1=" + node->address()});
  ASSERT_TRUE(coordinator);
  std::string report;
  std::string line;
  while (coordinator->ReadLine(std::chrono::steady_clock::now() + std::chrono::minutes(5), &line)) {
    report += line + "\n";
  }
  // A long report: show its end only.
  const std::string tail = report.substr(report.size() - std::min<size_t>(report.size(), 2000));
  EXPECT_EQ(coordinator->Wait(std::chrono::minutes(1)), 0) << tail << coordinator->Log();
  EXPECT_NE(report.find("1 outcome over 1 completed run"), std::string::npos) << tail;
  rusage children{};
  getrusage(RUSAGE_CHILDREN, &children);
  const long peak_kib = children.ru_maxrss;
  // Measured 92 MiB (one node; issue 17's target is 100): loading peaks
  // there (the parse tree beside CheckDeck's tables), the end of the run at
  // ~82 (bench/README.md, fourth pass). 110-113 before session 9's pass,
  // 138-153 before the flat Program, 171-192 before the malloc tuning.
  EXPECT_LT(peak_kib, kSanitizerMemoryFactor * 110 * 1024)
      << "coordinator peak RSS " << peak_kib / 1024 << " MiB for " << kBigRing << " stacks";
  // The node, still running: its peak RSS (VmHWM). Measured 85 MiB; 101
  // when a node parsed its whole program's wire message at once, 128 before
  // session 9's pass.
  const long node_kib = NodePeakKib(node->pid());
  ASSERT_GT(node_kib, 0) << "no VmHWM in /proc/" << node->pid() << "/status";
  EXPECT_LT(node_kib, kSanitizerMemoryFactor * 95 * 1024)
      << "node peak RSS " << node_kib / 1024 << " MiB for " << kBigRing << " stacks";
  std::remove(deck.c_str());
}

}  // namespace
}  // namespace cardflow
