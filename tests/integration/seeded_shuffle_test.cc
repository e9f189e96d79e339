// The seeded shuffle on every placement (DECK.md, "The shuffle on every
// placement"): with --shuffle seeded the coordinator picks every visible
// step, so a seed gives the same schedule and the same JSON report as a
// local run — apart from `placement` — on in-process loopback nodes, on two
// real cardflow-node processes, and with every stack on one node. A schedule
// replays on real nodes; a network-shuffled run's witnesses replay locally;
// and a node killed mid-run changes nothing but `moved`.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <set>
#include <string>
#include <vector>

#include "common/check/explorer.h"
#include "common/local/local_runner.h"
#include "common/schedule/schedule_text.h"
#include "coordinator/cluster/run_cluster.h"
#include "tests/integration/node_process.h"
#include "tests/litmus_decks.h"
#include "tests/local/deck_fixture.h"
#include "tests/node/cluster_decks.h"

namespace cardflow {
namespace {

using testing::MustLoad;
using testing::NodeProcess;

constexpr uint64_t kRuns = 300;

struct Deck {
  std::string name;
  std::string text;
  uint64_t runs = kRuns;
};

std::vector<Deck> Decks() {
  std::vector<Deck> decks;
  for (const char* file :
       {"fan_in", "iriw", "message_passing", "missed_callback", "parallel", "ping_pong",
        "producer_consumer", "ring", "store_buffering", "transfer"}) {
    // parallel.deck does 10^5 iterations of `work` per run on purpose (it
    // shows two nodes working at once): a few runs say as much as 300.
    const uint64_t runs = std::string(file) == "parallel" ? 6 : kRuns;
    decks.push_back(
        {std::string(file) + ".deck",
         testing::ReadFile(testing::SourcePath("examples/" + std::string(file) + ".deck")), runs});
  }
  decks.push_back({"load_buffering", testing::kLoadBufferingDeck});
  decks.push_back({"callback_chain", testing::kCallbackChainDeck});
  decks.push_back({"missed", testing::kMissedDeck});
  return decks;
}

// The report as JSON without `placement`: all that may differ.
nlohmann::json WithoutPlacement(const Report& report) {
  nlohmann::json json = nlohmann::json::parse(ReportToJson(report));
  json.erase("placement");
  return json;
}

Report MustRun(const Program& program, const std::string& text, const ClusterOptions& options) {
  StatusOr<Report> report = RunCluster(program, options);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  return report.ok() ? *report : Report{};
}

class SeededShuffleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    x_ = NodeProcess::Start("X", &error);
    ASSERT_TRUE(x_) << error;
    y_ = NodeProcess::Start("Y", &error);
    ASSERT_TRUE(y_) << error;
  }

  std::vector<NodeAddress> Nodes() const { return {{"X", x_->address()}, {"Y", y_->address()}}; }

  std::unique_ptr<NodeProcess> x_;
  std::unique_ptr<NodeProcess> y_;
};

ClusterOptions Seeded(Ordering ordering, uint64_t runs) {
  ClusterOptions options;
  options.ordering = ordering;
  options.runs = runs;
  options.shuffle = Shuffle::kSeeded;
  return options;
}

TEST_F(SeededShuffleTest, EveryDeckReportsLikeLocalOnLoopbackOnTwoNodesAndOnOne) {
  for (const Deck& deck : Decks()) {
    for (Ordering ordering : {Ordering::kCallbacks, Ordering::kNone}) {
      SCOPED_TRACE(deck.name + (ordering == Ordering::kNone ? " none" : " callbacks"));
      const Program program = MustLoad(deck.text, ordering, deck.name);
      LocalOptions local;
      local.ordering = ordering;
      local.runs = deck.runs;
      const nlohmann::json expected = WithoutPlacement(RunLocal(program, local));

      ClusterOptions loopback = Seeded(ordering, deck.runs);
      loopback.loopback = 2;
      EXPECT_EQ(WithoutPlacement(MustRun(program, deck.text, loopback)), expected);

      ClusterOptions two = Seeded(ordering, deck.runs);
      two.nodes = Nodes();
      const Report on_two = MustRun(program, deck.text, two);
      EXPECT_EQ(WithoutPlacement(on_two), expected);

      ClusterOptions one = Seeded(ordering, deck.runs);
      one.nodes = Nodes();
      for (const StackProgram& stack : program.stacks) one.place.emplace_back(stack.name, "X");
      const Report on_one = MustRun(program, deck.text, one);
      EXPECT_EQ(WithoutPlacement(on_one), expected);
      for (const auto& [stack, node] : on_one.placement) EXPECT_EQ(node, "X") << stack;
    }
  }
}

// Every reachable outcome, from the exhaustive search.
std::set<std::vector<int64_t>> Reachable(const Program& program, Ordering ordering) {
  CheckOptions options;
  options.ordering = ordering;
  std::set<std::vector<int64_t>> out;
  for (const CheckOutcome& outcome : Explore(program, options).outcomes) out.insert(outcome.values);
  return out;
}

TEST_F(SeededShuffleTest, StoreBufferingShowsAllItsOutcomesOnOneNodeAndOnTwo) {
  const Program program = MustLoad(testing::kStoreBufferingDeck, Ordering::kCallbacks);
  const auto reachable = Reachable(program, Ordering::kCallbacks);
  ASSERT_EQ(reachable.size(), 3u);
  ClusterOptions two = Seeded(Ordering::kCallbacks, 200);
  two.nodes = Nodes();
  EXPECT_EQ(testing::OutcomeSet(MustRun(program, testing::kStoreBufferingDeck, two)), reachable);
  ClusterOptions one = two;
  one.place = {{"A", "Y"}, {"B", "Y"}};
  EXPECT_EQ(testing::OutcomeSet(MustRun(program, testing::kStoreBufferingDeck, one)), reachable);
}

TEST_F(SeededShuffleTest, IriwShowsAllFifteenOutcomesOnTwoNodes) {
  const std::string text = testing::ReadFile(testing::SourcePath("examples/iriw.deck"));
  const Program program = MustLoad(text, Ordering::kCallbacks, "iriw.deck");
  const auto reachable = Reachable(program, Ordering::kCallbacks);
  ASSERT_EQ(reachable.size(), 15u);
  ClusterOptions two = Seeded(Ordering::kCallbacks, 2000);
  two.nodes = Nodes();
  // Each writer shares a node with a reader: the placement that showed 3 of
  // 15 under the network shuffle.
  two.place = {{"W1", "X"}, {"R1", "X"}, {"W2", "Y"}, {"R2", "Y"}};
  EXPECT_EQ(testing::OutcomeSet(MustRun(program, text, two)), reachable);
}

// B misses A's callback, writes first, and A adds its 50 on top: 250.
constexpr char kLostUpdateSchedule[] = "B B B A A A\n";

TEST_F(SeededShuffleTest, AScheduleReplaysOnRealNodesToTheSameOutcomeEveryTime) {
  const Program program = MustLoad(testing::kTransferDeck, Ordering::kNone);
  StatusOr<ScheduleText> schedule = ParseSchedule(program, kLostUpdateSchedule, "lost.schedule");
  ASSERT_TRUE(schedule.ok()) << schedule.status().ToString();
  ASSERT_TRUE(CheckSchedule(program, Ordering::kNone, *schedule, "lost.schedule").ok());
  ClusterOptions options = Seeded(Ordering::kNone, 100);
  options.nodes = Nodes();
  options.prefix = schedule->steps;
  const Report report = MustRun(program, testing::kTransferDeck, options);
  ASSERT_EQ(report.outcomes.size(), 1u) << ReportToJson(report);
  EXPECT_EQ(report.outcomes[0].values[0], 250);  // balance
  EXPECT_EQ(report.outcomes[0].count, 100u);
  EXPECT_EQ(report.placement[0].second, "X");
  EXPECT_EQ(report.placement[1].second, "Y");
}

// Under the network shuffle nobody picks the order, but every outcome's
// witness — read back from the run's events — replays locally to it.
TEST_F(SeededShuffleTest, NetworkWitnessesReplayLocallyToTheirOutcomes) {
  const std::vector<std::pair<std::string, std::string>> decks = {
      {"transfer", testing::kTransferDeck},
      {"store_buffering", testing::kStoreBufferingDeck},
      {"missed", testing::kMissedDeck},
      {"message_passing", testing::ReadFile(testing::SourcePath("examples/message_passing.deck"))},
      {"iriw", testing::ReadFile(testing::SourcePath("examples/iriw.deck"))},
  };
  for (const auto& [name, text] : decks) {
    for (Ordering ordering : {Ordering::kCallbacks, Ordering::kNone}) {
      SCOPED_TRACE(name + (ordering == Ordering::kNone ? " none" : " callbacks"));
      const Program program = MustLoad(text, ordering, name);
      ClusterOptions options;
      options.ordering = ordering;
      options.runs = 500;
      options.nodes = Nodes();
      const Report report = MustRun(program, text, options);
      EXPECT_EQ(report.shuffle, Shuffle::kNetwork);
      for (const OutcomeCount& outcome : report.outcomes) {
        StatusOr<ScheduleText> witness = ParseSchedule(program, outcome.schedule, "witness");
        ASSERT_TRUE(witness.ok()) << witness.status().ToString();
        EXPECT_TRUE(CheckSchedule(program, ordering, *witness, "witness").ok()) << outcome.schedule;
        const RunResult replay =
            RunLocalOnce(program, ordering, outcome.seed, 1, {}, witness->steps);
        ASSERT_FALSE(replay.error) << replay.error->message;
        EXPECT_EQ(replay.values, outcome.values) << outcome.schedule;
        EXPECT_EQ(FormatSchedule(program, replay.schedule), outcome.schedule);
      }
    }
  }
}

// kill -9 of the node holding B in the middle of seeded runs: its stacks
// start over on X, the scheduler's history answers what they had done, and
// the report is the local one plus `moved`.
TEST(SeededRecoveryTest, KillingTheNodeOfBMidRunChangesNothingButMoved) {
  const std::string text = testing::ReadFile(testing::SourcePath("examples/ring.deck"));
  for (Ordering ordering : {Ordering::kCallbacks, Ordering::kNone}) {
    SCOPED_TRACE(ordering == Ordering::kNone ? "none" : "callbacks");
    const Program program = MustLoad(text, ordering, "ring.deck");
    std::string error;
    auto x = NodeProcess::Start("X", &error);
    ASSERT_TRUE(x) << error;
    auto y = NodeProcess::Start("Y", &error);
    ASSERT_TRUE(y) << error;
    constexpr uint64_t kRecoveryRuns = 200;
    ClusterOptions options = Seeded(ordering, kRecoveryRuns);
    options.nodes = {{"X", x->address()}, {"Y", y->address()}};
    options.place = {{"A", "X"}, {"B", "Y"}, {"C", "X"}, {"D", "Y"}};
    std::atomic<bool> killed{false};
    options.on_progress = [&](uint64_t done) {
      if (done == kRecoveryRuns / 3 && !killed.exchange(true)) y->Signal(SIGKILL);
    };
    const Report report = MustRun(program, text, options);
    ASSERT_TRUE(killed.load());
    if (report.runs == 0) ADD_FAILURE() << "X:\n" << x->Log();
    EXPECT_FALSE(report.moved.empty());
    for (const std::string& moved : report.moved)
      EXPECT_NE(moved.find("Y -> X"), std::string::npos);
    LocalOptions local;
    local.ordering = ordering;
    local.runs = kRecoveryRuns;
    nlohmann::json expected = WithoutPlacement(RunLocal(program, local));
    nlohmann::json got = WithoutPlacement(report);
    got.erase("moved");
    EXPECT_EQ(got, expected);
  }
}

// A node unreachable at the start is given up for dead before the first
// run: its stacks (pinned to it) run on X, and the seeded report is the
// local one plus `moved`.
TEST(SeededRecoveryTest, ANodeUnreachableAtStartChangesNothingButMoved) {
  const std::string text = testing::ReadFile(testing::SourcePath("examples/ring.deck"));
  const Program program = MustLoad(text, Ordering::kCallbacks, "ring.deck");
  std::string error;
  auto x = NodeProcess::Start("X", &error);
  ASSERT_TRUE(x) << error;
  ClusterOptions options = Seeded(Ordering::kCallbacks, 100);
  options.nodes = {{"X", x->address()}, {"Y", "127.0.0.1:1"}};  // nothing listens there
  options.place = {{"A", "X"}, {"B", "Y"}, {"C", "X"}, {"D", "Y"}};
  const Report report = MustRun(program, text, options);
  EXPECT_EQ(report.replaced, (std::vector<std::string>{"B: Y -> X", "D: Y -> X"}));
  ASSERT_EQ(report.unreachable.size(), 1u);
  EXPECT_EQ(report.unreachable[0].rfind("node Y at 127.0.0.1:1 is unreachable", 0), 0u);
  LocalOptions local;
  local.runs = 100;
  nlohmann::json expected = WithoutPlacement(RunLocal(program, local));
  nlohmann::json got = WithoutPlacement(report);
  EXPECT_EQ(got["moved"], nlohmann::json({"B: Y -> X", "D: Y -> X"}));
  got.erase("moved");
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace cardflow
