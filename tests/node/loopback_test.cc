// RunCluster on in-process loopback nodes (real gRPC over 127.0.0.1): the
// remote runs mean what local runs mean.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/local/local_runner.h"
#include "coordinator/cluster/run_cluster.h"
#include "tests/local/deck_fixture.h"
#include "tests/node/cluster_decks.h"

namespace cardflow {
namespace {

using testing::MustLoad;

Report Local(const Program& program, Ordering ordering, uint64_t runs) {
  LocalOptions options;
  options.ordering = ordering;
  options.runs = runs;
  return RunLocal(program, options);
}

Report Remote(const Program& program, const std::string& text, Ordering ordering, uint64_t runs,
              int loopback = 2) {
  ClusterOptions options;
  options.loopback = loopback;
  options.ordering = ordering;
  options.runs = runs;
  StatusOr<Report> report = RunCluster(program, options);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  return report.ok() ? *report : Report{};
}

TEST(LoopbackTest, TransferWithCallbacksGives300InEveryRunOnXAndY) {
  const Program program = MustLoad(testing::kTransferDeck);
  const Report report = Remote(program, testing::kTransferDeck, Ordering::kCallbacks, 200);
  ASSERT_EQ(report.outcomes.size(), 1u);
  EXPECT_EQ(report.outcomes[0].count, 200u);
  EXPECT_TRUE(report.outcomes[0].expect);
  EXPECT_EQ(report.order_violations, 0u);
  EXPECT_EQ(ReportExitCode(report), 0);
  ASSERT_EQ(report.placement.size(), 2u);
  EXPECT_EQ(report.placement[0], (std::pair<std::string, std::string>("A", "X")));
  EXPECT_EQ(report.placement[1], (std::pair<std::string, std::string>("B", "Y")));
}

TEST(LoopbackTest, NaiveRunsGiveOnlyOutcomesOfTheLocalSet) {
  for (const char* text : {testing::kTransferDeck, testing::kMissedDeck}) {
    const Program program = MustLoad(text, Ordering::kNone);
    const auto local = testing::OutcomeSet(Local(program, Ordering::kNone, 3000));
    const Report remote = Remote(program, text, Ordering::kNone, 300);
    EXPECT_EQ(testing::CompletedRuns(remote), 300u);
    for (const auto& values : testing::OutcomeSet(remote)) {
      EXPECT_TRUE(local.count(values)) << "outcome not reachable locally: " << ReportToJson(remote);
    }
  }
}

TEST(LoopbackTest, StoreBufferingNeverGivesZeroZero) {
  const Program program = MustLoad(testing::kStoreBufferingDeck);
  const Report report = Remote(program, testing::kStoreBufferingDeck, Ordering::kCallbacks, 300);
  EXPECT_EQ(testing::CompletedRuns(report), 300u);
  EXPECT_FALSE(testing::OutcomeSet(report).count({0, 0})) << ReportToJson(report);
}

// DECK.md: in callbacks mode, a deck whose outcome does not depend on the
// interleaving gives the same outcome on every placement — the same report.
TEST(LoopbackTest, SingleOutcomeExamplesReportLikeLocalApartFromPlacement) {
  const std::filesystem::path examples = testing::SourcePath("examples");
  ASSERT_TRUE(std::filesystem::exists(examples));
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(examples)) {
    if (entry.path().extension() != ".deck") continue;
    const std::string text = testing::ReadFile(entry.path());
    LoadResult loaded = LoadDeck(text, entry.path().filename().string(), Ordering::kCallbacks);
    ASSERT_TRUE(loaded.program) << entry.path();
    const Program& program = *loaded.program;
    const uint64_t runs = entry.path().filename() == "parallel.deck" ? 2 : 40;
    const Report local = Local(program, Ordering::kCallbacks, runs);
    if (local.outcomes.size() != 1) continue;
    const Report remote = Remote(program, text, Ordering::kCallbacks, runs);
    EXPECT_EQ(testing::JsonWithoutPlacement(remote), testing::JsonWithoutPlacement(local))
        << entry.path();
    for (const auto& [stack, node] : remote.placement) EXPECT_NE(node, "local");
    ++compared;
  }
  EXPECT_GE(compared, 4);
}

TEST(LoopbackTest, RunErrorsAreCountedAndWordedAsLocally) {
  const Program program = MustLoad(testing::kDivByZeroDeck);
  const Report local = Local(program, Ordering::kCallbacks, 5);
  const Report remote = Remote(program, testing::kDivByZeroDeck, Ordering::kCallbacks, 5);
  EXPECT_EQ(remote.run_errors, 5u);
  EXPECT_EQ(testing::JsonWithoutPlacement(remote), testing::JsonWithoutPlacement(local));
}

TEST(LoopbackTest, AThousandStacksChainedAcrossTwoNodesComplete) {
  const std::string text = testing::ChainDeck(1000);
  const Program program = MustLoad(text);
  const Report report = Remote(program, text, Ordering::kCallbacks, 2);
  ASSERT_EQ(report.outcomes.size(), 1u);
  EXPECT_EQ(report.outcomes[0].values, std::vector<int64_t>{1000});
  EXPECT_EQ(report.outcomes[0].count, 2u);
  EXPECT_EQ(report.placement[0].second, "n1");
  EXPECT_EQ(report.placement[1].second, "n2");
}

TEST(LoopbackTest, MissedCallbacksAreOrderViolationsFromTheEvents) {
  const Program program = MustLoad(testing::kMissedDeck, Ordering::kNone);
  const Report report = Remote(program, testing::kMissedDeck, Ordering::kNone, 200);
  // Whether a remote await misses is up to the network; but every miss is
  // counted, and a run that consumed the callback has none.
  uint64_t missed = 0;
  for (const OutcomeCount& o : report.outcomes) {
    if (o.values[1] == 0) missed += o.count;
  }
  EXPECT_EQ(report.order_violations, missed);
}

TEST(LoopbackTest, OneNodeHoldsEveryStack) {
  const Program program = MustLoad(testing::kStoreBufferingDeck);
  const Report report =
      Remote(program, testing::kStoreBufferingDeck, Ordering::kCallbacks, 50, /*loopback=*/1);
  EXPECT_EQ(testing::CompletedRuns(report), 50u);
  for (const auto& [stack, node] : report.placement) EXPECT_EQ(node, "n1");
}

TEST(LoopbackTest, HintNamingAMissingNodeIsAnArgumentError) {
  const Program program = MustLoad(testing::kTransferDeck);
  ClusterOptions options;
  options.loopback = 2;
  options.place = {{"A", "Z"}};  // X is no longer named, Z and Y are: 2 nodes
  StatusOr<Report> report = RunCluster(program, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->placement[0].second, "Z");

  options.loopback = 1;  // Z and Y named, one node
  report = RunCluster(program, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(ClusterExitCode(report.status()), 2);
}

}  // namespace
}  // namespace cardflow
