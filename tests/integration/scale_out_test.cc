// Scale out (issue 17) on real node processes: a ring spread over four
// nodes reports what it reports on one (seeded: byte for byte but for the
// placement), each node is sent only its share of the deck, and once a node
// has a program the assignment of a run is a few dozen bytes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/report/report.h"
#include "coordinator/cluster/run_cluster.h"
#include "proto/program_wire.h"
#include "tests/integration/node_process.h"
#include "tests/integration/prometheus_text.h"
#include "tests/local/deck_fixture.h"

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

}  // namespace
}  // namespace cardflow
