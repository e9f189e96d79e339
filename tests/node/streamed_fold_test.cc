// The coordinator folds streamed events as it folded them when they came at
// the end: a chain long enough that each loopback node streams several
// batches while the run goes on reports what a local run reports.
#include <gtest/gtest.h>

#include "common/local/local_runner.h"
#include "coordinator/cluster/run_cluster.h"
#include "node/node_run.h"
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
  StatusOr<Report> remote = RunCluster(program, text, options);
  ASSERT_TRUE(remote.ok()) << remote.status().ToString();
  EXPECT_EQ(remote->order_violations, 0u);
  EXPECT_EQ(remote->run_errors, 0u);
  ASSERT_EQ(remote->outcomes.size(), 1u);
  EXPECT_EQ(remote->outcomes[0].values, std::vector<int64_t>{kStacks});
  EXPECT_TRUE(remote->outcomes[0].expect);
  EXPECT_EQ(testing::JsonWithoutPlacement(*remote), testing::JsonWithoutPlacement(local));
}

}  // namespace
}  // namespace cardflow
