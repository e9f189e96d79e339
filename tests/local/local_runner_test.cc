// Acceptance tests of local placement: the seeded shuffle reaches every
// interleaving the spec allows, and only those.
#include "common/local/local_runner.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <map>
#include <set>

#include "common/report/report.h"
#include "tests/litmus_decks.h"
#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

using testing::kMissedDeck;
using testing::kStoreBufferingDeck;
using testing::kTransferDeck;
using testing::MustLoad;

Report RunN(const Program& program, Ordering ordering, uint64_t runs, uint64_t seed = 1,
            int threads = 2) {
  LocalOptions options;
  options.ordering = ordering;
  options.runs = runs;
  options.seed = seed;
  options.threads = threads;
  return RunLocal(program, options);
}

std::set<std::vector<int64_t>> Outcomes(const Report& report) {
  std::set<std::vector<int64_t>> out;
  for (const OutcomeCount& o : report.outcomes) out.insert(o.values);
  return out;
}

uint64_t TotalCount(const Report& report) {
  uint64_t total = 0;
  for (const OutcomeCount& o : report.outcomes) total += o.count;
  return total;
}

TEST(LocalRunnerTest, TransferNaiveReachesExactlyTheFourBalances) {
  const Program program = MustLoad(kTransferDeck, Ordering::kNone);
  const Report report = RunN(program, Ordering::kNone, 2000);
  std::set<int64_t> balances;
  for (const OutcomeCount& o : report.outcomes) balances.insert(o.values[0]);
  EXPECT_EQ(balances, (std::set<int64_t>{150, 200, 250, 300}));
  EXPECT_EQ(TotalCount(report), 2000u);
  EXPECT_GT(report.expect_failures, 0u);
  EXPECT_EQ(ReportExitCode(report), 1);
}

TEST(LocalRunnerTest, TransferWithCallbacksAlwaysEndsAt300) {
  const Program program = MustLoad(kTransferDeck);
  const Report report = RunN(program, Ordering::kCallbacks, 2000);
  ASSERT_EQ(report.outcomes.size(), 1u);
  EXPECT_EQ(report.outcomes[0].values[0], 300);
  EXPECT_EQ(report.outcomes[0].count, 2000u);
  EXPECT_EQ(report.order_violations, 0u);
  EXPECT_EQ(report.expect_failures, 0u);
  EXPECT_EQ(ReportExitCode(report), 0);
}

TEST(LocalRunnerTest, NaiveTransferHasOrderViolationsFromTheEvents) {
  const Program program = MustLoad(kTransferDeck, Ordering::kNone);
  const Report report = RunN(program, Ordering::kNone, 500);
  EXPECT_GT(report.order_violations, 0u);
  EXPECT_LT(report.order_violations, 500u);  // some runs do get A's callback in time
}

TEST(LocalRunnerTest, StoreBufferingGivesTheThreeScOutcomesNeverZeroZero) {
  const Program program = MustLoad(kStoreBufferingDeck);
  const Report report = RunN(program, Ordering::kCallbacks, 2000);
  const std::set<std::vector<int64_t>> expected{{0, 1}, {1, 0}, {1, 1}};
  EXPECT_EQ(Outcomes(report), expected);
}

TEST(LocalRunnerTest, AwaitCanMissACallbackSentButNotArrived) {
  const Program program = MustLoad(kMissedDeck, Ordering::kNone);
  const Report naive = RunN(program, Ordering::kNone, 2000);
  EXPECT_TRUE(Outcomes(naive).count({1, 0})) << "f=1 (A already sent) yet r=0 (not arrived)";
  const Report ordered = RunN(MustLoad(kMissedDeck), Ordering::kCallbacks, 2000);
  for (const auto& values : Outcomes(ordered)) EXPECT_EQ(values[1], 7);
}

TEST(LocalRunnerTest, SameSeedSameReportWhateverTheThreads) {
  const Program program = MustLoad(kTransferDeck, Ordering::kNone);
  const std::string one = ReportToJson(RunN(program, Ordering::kNone, 300, 42, 1));
  const std::string two = ReportToJson(RunN(program, Ordering::kNone, 300, 42, 2));
  const std::string again = ReportToJson(RunN(program, Ordering::kNone, 300, 42, 2));
  EXPECT_EQ(one, two);
  EXPECT_EQ(two, again);
  EXPECT_NE(one, ReportToJson(RunN(program, Ordering::kNone, 300, 43, 2)));
}

TEST(LocalRunnerTest, SameSeedSameScheduleDifferentSeedDifferentSchedule) {
  std::string text = "shared x\n";
  for (const char* stack : {"A", "B", "C", "D"}) {
    text += std::string("stack ") + stack + ":\n";
    for (int i = 0; i < 8; ++i) text += "    write " + std::to_string(i) + " -> x\n";
  }
  const Program program = MustLoad(text);
  const RunResult first = RunLocalOnce(program, Ordering::kCallbacks, 7, 2);
  const RunResult second = RunLocalOnce(program, Ordering::kCallbacks, 7, 1);
  ASSERT_EQ(first.events.size(), 32u);
  EXPECT_EQ(first.events, second.events);
  const RunResult other = RunLocalOnce(program, Ordering::kCallbacks, 8, 2);
  EXPECT_NE(first.events, other.events);
}

TEST(LocalRunnerTest, RunErrorsNameStackCardAndLineAndOtherRunsGoOn) {
  // B divides by what A wrote: zero when B reads before A writes.
  const Program program = MustLoad(R"(shared x
stack A:
    write 5 -> x
stack B:
    read x -> d
    set q 100
    div q d
)");
  const Report report = RunN(program, Ordering::kCallbacks, 200);
  EXPECT_GT(report.run_errors, 0u);
  EXPECT_LT(report.run_errors, 200u);
  EXPECT_EQ(TotalCount(report) + report.run_errors, 200u);
  ASSERT_FALSE(report.errors.empty());
  EXPECT_NE(report.errors[0].find("stack B, card 3 `div q d` (line 7): division by zero"),
            std::string::npos)
      << report.errors[0];
  EXPECT_EQ(ReportExitCode(report), 1);
}

TEST(LocalRunnerTest, Int64OverflowIsARunError) {
  const Program program = MustLoad(R"(stack A:
    set a 9223372036854775807
    add a 1
stack B:
    set b -9223372036854775808
    div b -1
)");
  const RunResult result = RunLocalOnce(program, Ordering::kCallbacks, 1);
  ASSERT_TRUE(result.error.has_value());
  EXPECT_NE(result.error->message.find("overflow"), std::string::npos) << result.error->message;
  EXPECT_NE(result.error->message.find("line "), std::string::npos);
}

TEST(LocalRunnerTest, WhichRunErrorARunReportsDependsOnTheSeedNotOnTiming) {
  const Program program = MustLoad(R"(shared x
stack A:
    write 1 -> x
    set a 9223372036854775807
    add a 1
    write 2 -> x
stack B:
    write 3 -> x
    set b 1
    div b 0
    write 4 -> x
)");
  std::set<std::string> seen;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const RunResult one = RunLocalOnce(program, Ordering::kCallbacks, seed, 1);
    const RunResult two = RunLocalOnce(program, Ordering::kCallbacks, seed, 2);
    ASSERT_TRUE(one.error && two.error);
    EXPECT_EQ(one.error->message, two.error->message) << "seed " << seed;
    EXPECT_EQ(one.events, two.events) << "seed " << seed;
    seen.insert(one.error->message);
  }
  EXPECT_EQ(seen.size(), 2u) << "both stacks' errors are reachable";
}

TEST(LocalRunnerTest, RuntimeDeadlockIsAnErrorNotAHang) {
  // Loaded unchecked (none mode skips the deadlock check), run with callbacks.
  const Program program =
      MustLoad("stack A:\n    await B\nstack B:\n    await A\n", Ordering::kNone);
  const RunResult result = RunLocalOnce(program, Ordering::kCallbacks, 1);
  ASSERT_TRUE(result.error.has_value());
  EXPECT_NE(result.error->message.find("deadlock"), std::string::npos) << result.error->message;
}

// How much more memory the same work takes in this build.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr long kSanitizerMemoryFactor = 8;
#else
constexpr long kSanitizerMemoryFactor = 1;
#endif

TEST(LocalRunnerTest, ChainOfTenThousandStacksOnTwoThreads) {
  constexpr int kStacks = 10000;
  std::string text = "stack S0:\n    notify S1 1\n";
  for (int i = 1; i < kStacks; ++i) {
    text += "stack S" + std::to_string(i) + ":\n    await S" + std::to_string(i - 1) + " -> v\n";
    if (i + 1 < kStacks) text += "    add v 1\n    notify S" + std::to_string(i + 1) + " v\n";
  }
  text += "outcome S" + std::to_string(kStacks - 1) + ".v\n";
  const Program program = MustLoad(text);
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  const Report report = RunN(program, Ordering::kCallbacks, 1, 1, 2);
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  ASSERT_EQ(report.outcomes.size(), 1u);
  EXPECT_EQ(report.outcomes[0].values[0], kStacks - 1);
  // A thread per stack would need at least its stack's first pages (>= 8 KiB
  // each, 80 MB here); the engine must stay far below that. A sanitizer's
  // shadow memory and redzones multiply every allocation (TSan maps 4x to 8x
  // the memory it watches; ASan adds redzones and a quarantine), so the
  // bound grows with them instead of failing.
  const long grown_kib = after.ru_maxrss - before.ru_maxrss;
  EXPECT_LT(grown_kib, kSanitizerMemoryFactor * 40 * 1024)
      << "peak RSS grew by " << grown_kib << " KiB";
}

TEST(LocalRunnerTest, SleepingStacksResumeOnTimers) {
  // 300 stacks sleep at once on one worker thread, then report to a
  // collector that adds up what they send.
  std::string text = "stack C:\n";
  for (int i = 0; i < 300; ++i)
    text += "    await S" + std::to_string(i) + " -> v\n    add total v\n";
  for (int i = 0; i < 300; ++i) {
    text += "stack S" + std::to_string(i) + ":\n    sleep " + std::to_string(1 + i % 20) +
            "\n    notify C " + std::to_string(i) + "\n";
  }
  text += "outcome C.total\n";
  const Program program = MustLoad(text);
  const Report report = RunN(program, Ordering::kCallbacks, 2, 1, 1);
  ASSERT_EQ(report.outcomes.size(), 1u);
  EXPECT_EQ(report.outcomes[0].values[0], 299 * 300 / 2);
  EXPECT_EQ(report.outcomes[0].count, 2u);
}

TEST(LocalRunnerTest, PrintsGoToTheRunLogInScheduleOrder) {
  const Program program = MustLoad(
      "stack A:\n    set a 4\n    print a\n    notify B a\nstack B:\n    await A -> b\n    print "
      "b\n");
  const RunResult result = RunLocalOnce(program, Ordering::kCallbacks, 3);
  EXPECT_EQ(result.log, (std::vector<std::string>{"A: 4", "B: 4"}));
}

}  // namespace
}  // namespace cardflow
