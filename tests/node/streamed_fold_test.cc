// The coordinator folds streamed events as it folded them when they came at
// the end: a chain long enough that each loopback node streams several
// batches while the run goes on reports what a local run reports.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <optional>
#include <thread>

#include "common/local/local_runner.h"
#include "coordinator/cluster/run_cluster.h"
#include "node/node_run.h"
#include "node/node_server.h"
#include "tests/local/deck_fixture.h"
#include "tests/node/cluster_decks.h"

namespace cardflow {
namespace {

TEST(StreamedFoldTest, AChainStreamedInManyBatchesReportsLikeLocal) {
  constexpr int kStacks = 6000;  // ~9,000 events on each of two nodes
  static_assert(3 * kStacks / 2 > 2 * NodeRun::kEventsPerBatch);
  const std::string text = testing::ChainDeck(kStacks);
  const Program program = testing::MustLoad(text);

  LocalOptions local_options;
  local_options.runs = 2;
  const Report local = RunLocal(program, local_options);

  ClusterOptions options;
  options.loopback = 2;
  options.runs = 2;
  StatusOr<Report> remote = RunCluster(program, options);
  ASSERT_TRUE(remote.ok()) << remote.status().ToString();
  EXPECT_EQ(remote->order_violations, 0u);
  EXPECT_EQ(remote->run_errors, 0u);
  ASSERT_EQ(remote->outcomes.size(), 1u);
  EXPECT_EQ(remote->outcomes[0].values, std::vector<int64_t>{kStacks});
  EXPECT_TRUE(remote->outcomes[0].expect);
  EXPECT_EQ(testing::JsonWithoutPlacement(*remote), testing::JsonWithoutPlacement(local));
}

// Recovery with streaming: node Y has streamed batches of events when it
// stops; its stacks start over on X and record those events anew. The run
// ends as an undisturbed one only if the coordinator dropped the batches Y
// had sent (else every callback on Y would be sent and taken twice, which
// the verifier reports as an internal error).
TEST(StreamedFoldTest, BatchesADeadNodeStreamedAreDroppedAndReplayed) {
  constexpr int kChain = 3000;  // ~9,000 events on Y, two batches and more
  std::string text = "shared last\n\nstack A on X:\n    notify C0 1\n";
  for (int i = 0; i < kChain; ++i) {
    text += fmt::format("\nstack C{} on Y:\n    await {} -> t\n    add t 1\n", i,
                        i == 0 ? "A" : fmt::format("C{}", i - 1));
    // The last one gives the test a moment to stop Y with the run in flight.
    text += i + 1 < kChain ? fmt::format("    notify C{} t\n", i + 1)
                           : "    sleep 2000\n    write t -> last\n";
  }
  text += fmt::format("\noutcome last\nexpect last == {}\n", kChain + 1);
  const Program program = testing::MustLoad(text);

  std::promise<void> streamed;
  std::atomic<int> recorded{0};
  auto node_options = [](const char* name) {
    NodeOptions options;
    options.name = name;
    options.threads = 1;
    options.log_level = "off";
    options.drain_grace = std::chrono::milliseconds(0);
    return options;
  };
  NodeOptions y_options = node_options("Y");
  y_options.on_event = [&](uint64_t, const Event&) {
    // Recorded past two batches: at least one was handed to the Run stream.
    if (++recorded == 2 * static_cast<int>(NodeRun::kEventsPerBatch) + 100) streamed.set_value();
  };
  NodeServer x(node_options("X"));
  NodeServer y(y_options);
  StatusOr<std::string> x_address = x.Start();
  StatusOr<std::string> y_address = y.Start();
  ASSERT_TRUE(x_address.ok() && y_address.ok());

  ClusterOptions options;
  options.nodes = {{"X", *x_address}, {"Y", *y_address}};
  std::optional<StatusOr<Report>> result;
  std::thread coordinator([&] { result = RunCluster(program, options); });
  streamed.get_future().wait();
  y.Stop();  // its stacks start over on X
  coordinator.join();

  ASSERT_TRUE(result.has_value());
  ASSERT_TRUE(result->ok()) << result->status().ToString();
  const Report& report = **result;
  EXPECT_EQ(report.run_errors, 0u) << ReportToJson(report);
  EXPECT_EQ(report.order_violations, 0u);
  ASSERT_EQ(report.outcomes.size(), 1u);
  EXPECT_EQ(report.outcomes[0].values, std::vector<int64_t>{kChain + 1});
  EXPECT_TRUE(report.outcomes[0].expect);
  EXPECT_EQ(report.moved.size(), static_cast<size_t>(kChain));
}

}  // namespace
}  // namespace cardflow
