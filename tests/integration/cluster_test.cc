// Integration: real cardflow-node processes X and Y on 127.0.0.1, driven
// through RunCluster — the coordinator's remote side — exactly as the CLI
// drives them.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>

#include "common/local/local_runner.h"
#include "coordinator/cluster/run_cluster.h"
#include "tests/integration/node_process.h"
#include "tests/local/deck_fixture.h"
#include "tests/node/cluster_decks.h"

namespace cardflow {
namespace {

using testing::MustLoad;
using testing::NodeProcess;

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    x_ = NodeProcess::Start("X", &error);
    ASSERT_TRUE(x_) << error;
    y_ = NodeProcess::Start("Y", &error);
    ASSERT_TRUE(y_) << error;
  }

  ClusterOptions Options(Ordering ordering, uint64_t runs) const {
    ClusterOptions options;
    options.nodes = {{"X", x_->address()}, {"Y", y_->address()}};
    options.ordering = ordering;
    options.runs = runs;
    return options;
  }

  Report Run(const std::string& text, Ordering ordering, uint64_t runs) {
    const Program program = MustLoad(text, ordering);
    StatusOr<Report> report = RunCluster(program, Options(ordering, runs));
    EXPECT_TRUE(report.ok()) << report.status().ToString() << "\nX:\n"
                             << x_->Log() << "\nY:\n"
                             << y_->Log();
    return report.ok() ? *report : Report{};
  }

  std::unique_ptr<NodeProcess> x_;
  std::unique_ptr<NodeProcess> y_;
};

TEST_F(ClusterTest, TransferWithAOnXAndBOnYGives300InAll500Runs) {
  const Report report = Run(testing::kTransferDeck, Ordering::kCallbacks, 500);
  ASSERT_EQ(report.outcomes.size(), 1u) << ReportToJson(report);
  EXPECT_EQ(report.outcomes[0].values[0], 300);
  EXPECT_EQ(report.outcomes[0].count, 500u);
  EXPECT_EQ(report.order_violations, 0u);
  EXPECT_EQ(ReportExitCode(report), 0);
  EXPECT_EQ(report.placement[0].second, "X");
  EXPECT_EQ(report.placement[1].second, "Y");
}

TEST_F(ClusterTest, NaiveRunsGiveOnlyOutcomesOfTheLocalSet) {
  const Program program = MustLoad(testing::kTransferDeck, Ordering::kNone);
  LocalOptions local;
  local.ordering = Ordering::kNone;
  local.runs = 4000;
  const auto reachable = testing::OutcomeSet(RunLocal(program, local));
  const Report report = Run(testing::kTransferDeck, Ordering::kNone, 500);
  EXPECT_EQ(testing::CompletedRuns(report), 500u);
  for (const auto& values : testing::OutcomeSet(report)) {
    EXPECT_TRUE(reachable.count(values)) << ReportToJson(report);
  }
}

TEST_F(ClusterTest, StoreBufferingNeverGivesZeroZero) {
  const Report report = Run(testing::kStoreBufferingDeck, Ordering::kCallbacks, 500);
  EXPECT_EQ(testing::CompletedRuns(report), 500u);
  EXPECT_FALSE(testing::OutcomeSet(report).count({0, 0})) << ReportToJson(report);
}

TEST_F(ClusterTest, SingleOutcomeDecksReportLikeLocalApartFromPlacement) {
  for (const char* text : {testing::kTransferDeck, testing::kDivByZeroDeck}) {
    const Program program = MustLoad(text);
    LocalOptions local;
    local.runs = 50;
    const Report expected = RunLocal(program, local);
    ASSERT_EQ(expected.outcomes.size() + (expected.run_errors > 0 ? 1 : 0), 1u);
    EXPECT_EQ(testing::JsonWithoutPlacement(Run(text, Ordering::kCallbacks, 50)),
              testing::JsonWithoutPlacement(expected));
  }
}

TEST_F(ClusterTest, EverySingleOutcomeExampleReportsLikeLocalApartFromPlacement) {
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testing::SourcePath("examples"))) {
    if (entry.path().extension() != ".deck") continue;
    const std::string text = testing::ReadFile(entry.path());
    const Program program = MustLoad(text, Ordering::kCallbacks, entry.path().filename().string());
    LocalOptions local;
    local.runs = entry.path().filename() == "parallel.deck" ? 2 : 30;
    const Report expected = RunLocal(program, local);
    if (expected.outcomes.size() != 1) continue;
    StatusOr<Report> report = RunCluster(program, Options(Ordering::kCallbacks, local.runs));
    ASSERT_TRUE(report.ok()) << entry.path() << ": " << report.status().ToString();
    EXPECT_EQ(testing::JsonWithoutPlacement(*report), testing::JsonWithoutPlacement(expected))
        << entry.path();
    ++compared;
  }
  EXPECT_GE(compared, 4);
}

TEST_F(ClusterTest, AThousandStacksChainedByCallbacksAcrossBothNodesComplete) {
  const Report report = Run(testing::ChainDeck(1000), Ordering::kCallbacks, 3);
  ASSERT_EQ(report.outcomes.size(), 1u);
  EXPECT_EQ(report.outcomes[0].values, std::vector<int64_t>{1000});
  EXPECT_EQ(report.outcomes[0].count, 3u);
  size_t on_x = 0;
  for (const auto& [stack, node] : report.placement) on_x += node == "X";
  EXPECT_EQ(on_x, 500u);
}

// Killing Y moves its stacks to X (recovery, tests/integration/
// recovery_test.cc); killing X too leaves nothing to carry the run: it fails
// within ten seconds, naming the node and saying why.
TEST_F(ClusterTest, KillingEveryNodeMidRunFailsNamingTheLastWithinTenSeconds) {
  const Program program = MustLoad(testing::kTransferDeck);
  ClusterOptions options = Options(Ordering::kCallbacks, 1'000'000);
  std::atomic<int> killed{0};
  std::chrono::steady_clock::time_point killed_at;
  const pid_t y = y_->pid();
  const pid_t x = x_->pid();
  options.on_progress = [&](uint64_t done) {
    // Runs are in flight at both moments: each kill lands mid-batch.
    if (done == 50 && killed.load() == 0) {
      killed = 1;
      kill(y, SIGKILL);
    } else if (done == 100 && killed.load() == 1) {
      killed_at = std::chrono::steady_clock::now();
      killed = 2;
      kill(x, SIGKILL);
    }
  };
  StatusOr<Report> report = RunCluster(program, options);
  const auto elapsed = std::chrono::steady_clock::now() - killed_at;
  ASSERT_EQ(killed.load(), 2);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(ClusterExitCode(report.status()), 3);
  EXPECT_NE(report.status().message().find("node X"), std::string::npos)
      << report.status().message();
  EXPECT_NE(report.status().message().find("no live node is left"), std::string::npos)
      << report.status().message();
  EXPECT_LT(elapsed, std::chrono::seconds(10));
  std::cerr << "error: " << report.status().message() << "\n";
}

// DECK.md: exit 3 only when no other node is able to take the stacks of
// an unreachable one. Y does not answer: the runs start without it, B
// (pinned to Y by the deck) runs on X, and the report says why.
TEST_F(ClusterTest, UnreachableNodeAtStartLeavesItsStacksToTheLiveNodesInBoundedTime) {
  const Program program = MustLoad(testing::kTransferDeck);
  ClusterOptions options = Options(Ordering::kCallbacks, 20);
  options.nodes[1] = {"Y", "127.0.0.1:1"};  // nothing listens there
  options.place = {{"A", "X"}, {"B", "Y"}};
  options.connect_timeout = std::chrono::milliseconds(1500);
  const auto start = std::chrono::steady_clock::now();
  StatusOr<Report> report = RunCluster(program, options);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->outcomes.size(), 1u) << ReportToJson(*report);
  EXPECT_EQ(report->outcomes[0].values[0], 300);
  EXPECT_EQ(report->outcomes[0].count, 20u);
  EXPECT_EQ(report->replaced, std::vector<std::string>{"B: Y -> X"});
  EXPECT_TRUE(report->moved.empty());
  ASSERT_EQ(report->unreachable.size(), 1u);
  EXPECT_EQ(report->unreachable[0].rfind("node Y at 127.0.0.1:1 is unreachable: nothing listens "
                                         "there (connection refused); start one with",
                                         0),
            0u)
      << report->unreachable[0];
  const std::string text = ReportToText(*report);
  EXPECT_NE(text.find("unreachable at start (the runs started without them; their stacks ran "
                      "elsewhere):\n  node Y at 127.0.0.1:1 is unreachable: "),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("placed elsewhere for the runs that started while their node was down:\n"
                      "  B: Y -> X\n"),
            std::string::npos)
      << text;
  EXPECT_NE(ReportToJson(*report).find("  \"moved\": [\n    \"B: Y -> X\"\n  ]\n"),
            std::string::npos)
      << ReportToJson(*report);
}

TEST_F(ClusterTest, NoReachableNodeIsExitStatus3NamingEveryNodeAndWhy) {
  const Program program = MustLoad(testing::kTransferDeck);
  ClusterOptions options = Options(Ordering::kCallbacks, 1);
  options.nodes = {{"X", "127.0.0.1:1"}, {"Y", "127.0.0.1:1"}};  // nothing listens there
  StatusOr<Report> report = RunCluster(program, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(ClusterExitCode(report.status()), 3);
  EXPECT_EQ(report.status().message().rfind("no node is reachable, so no run can start:\n"
                                            "  node X at 127.0.0.1:1 is unreachable: nothing "
                                            "listens there (connection refused); ",
                                            0),
            0u)
      << report.status().message();
  EXPECT_NE(report.status().message().find("\n  node Y at 127.0.0.1:1 is unreachable: nothing "
                                           "listens there (connection refused); start one with "
                                           "`cardflow-node --name Y --listen 127.0.0.1:1`"),
            std::string::npos)
      << report.status().message();
}

TEST_F(ClusterTest, HintNamingAnUnknownNodeIsExitStatus2) {
  const std::string text = "stack A on Z:\n    set r 1\n";
  const Program program = MustLoad(text);
  StatusOr<Report> report = RunCluster(program, Options(Ordering::kCallbacks, 1));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(ClusterExitCode(report.status()), 2);
  EXPECT_NE(report.status().message().find("Z"), std::string::npos);
}

TEST_F(ClusterTest, SigtermShutsANodeDownGracefully) {
  Run(testing::kTransferDeck, Ordering::kCallbacks, 20);
  x_->Signal(SIGTERM);
  EXPECT_EQ(x_->Wait(std::chrono::seconds(10)), 0) << x_->Log();
  EXPECT_NE(x_->Log().find("shutdown:"), std::string::npos) << x_->Log();
  EXPECT_NE(x_->Log().find("stopped"), std::string::npos) << x_->Log();
}

// Whether X holds runs at that moment or is between them, the coordinator
// learns that X is gone and moves its stack to Y; every run still completes,
// and X exits cleanly after saying what it ended.
TEST(ClusterShutdownTest, SigtermDuringABatchMovesTheNodesStacks) {
  std::string error;
  auto x = NodeProcess::Start("X", &error, {"--drain-ms", "0"});
  ASSERT_TRUE(x) << error;
  auto y = NodeProcess::Start("Y", &error);
  ASSERT_TRUE(y) << error;
  const std::string text =
      "stack A on X:\n    await B\nstack B on Y:\n    sleep 20\n    notify A\n";
  const Program program = MustLoad(text);
  ClusterOptions options;
  options.nodes = {{"X", x->address()}, {"Y", y->address()}};
  options.runs = 200;
  std::atomic<bool> signalled{false};
  options.on_progress = [&](uint64_t) {
    if (!signalled.exchange(true)) x->Signal(SIGTERM);  // runs are in flight
  };
  StatusOr<Report> report = RunCluster(program, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(testing::CompletedRuns(*report), 200u);
  EXPECT_EQ(report->moved, std::vector<std::string>{"A: X -> Y"});
  EXPECT_EQ(x->Wait(std::chrono::seconds(10)), 0) << x->Log();
  EXPECT_NE(x->Log().find("shutdown:"), std::string::npos) << x->Log();
}

}  // namespace
}  // namespace cardflow
