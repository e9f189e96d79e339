// The explorer against the plain search (its oracle) and against the outcome
// sets the spec and litmus tests fix; witnesses replayed through the real
// local engine.
#include "common/check/explorer.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/check/check_report.h"
#include "common/check/reachable.h"
#include "common/local/local_runner.h"
#include "common/schedule/schedule_text.h"
#include "tests/litmus_decks.h"
#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

using testing::MustLoad;
using testing::MustLoadExample;

CheckResult Check(const Program& program, Ordering ordering, bool reduction = true,
                  uint64_t max_states = 0) {
  CheckOptions options;
  options.ordering = ordering;
  options.reduction = reduction;
  options.max_states = max_states;
  return Explore(program, options);
}

std::set<std::vector<int64_t>> Values(const CheckResult& result) {
  std::set<std::vector<int64_t>> out;
  for (const CheckOutcome& o : result.outcomes) out.insert(o.values);
  return out;
}

// Reduced and plain agree on everything `check` reports except the counts,
// and every witness is as short as the plain search's and replays.
void ExpectAgreesWithPlain(const Program& program, Ordering ordering) {
  SCOPED_TRACE(program.file + std::string(" ") + OrderingName(ordering));
  const CheckResult reduced = Check(program, ordering, true);
  const CheckResult plain = Check(program, ordering, false);
  ASSERT_TRUE(reduced.complete);
  ASSERT_TRUE(plain.complete);
  EXPECT_EQ(Values(reduced), Values(plain));
  EXPECT_EQ(reduced.expect, plain.expect);
  EXPECT_EQ(reduced.order_violation, plain.order_violation);
  EXPECT_LE(reduced.states, plain.states);
  EXPECT_LE(reduced.executions, plain.executions);
  ASSERT_EQ(reduced.errors.size(), plain.errors.size());
  for (size_t i = 0; i < reduced.errors.size(); ++i) {
    EXPECT_EQ(reduced.errors[i].message, plain.errors[i].message);
  }
  ASSERT_EQ(reduced.outcomes.size(), plain.outcomes.size());
  for (size_t i = 0; i < reduced.outcomes.size(); ++i) {
    const CheckOutcome& r = reduced.outcomes[i];
    const CheckOutcome& p = plain.outcomes[i];
    EXPECT_EQ(r.expect, p.expect);
    EXPECT_EQ(r.schedule.size(), p.schedule.size())
        << FormatSchedule(program, r.schedule) << " vs " << FormatSchedule(program, p.schedule);
    // The witness is a schedule a run can take, and the engine ends it in
    // the same outcome.
    ScheduleText text{r.schedule, std::vector<int>(r.schedule.size(), 1)};
    EXPECT_TRUE(CheckSchedule(program, ordering, text, "witness").ok());
    const RunResult run = RunLocalOnce(program, ordering, 1, 1, {}, r.schedule);
    ASSERT_FALSE(run.error) << run.error->message;
    EXPECT_EQ(run.values, r.values);
    EXPECT_EQ(FormatSchedule(program, run.schedule), FormatSchedule(program, r.schedule));
  }
}

TEST(ExplorerTest, EveryExampleAgreesWithThePlainSearch) {
  for (const char* deck :
       {"transfer.deck", "producer_consumer.deck", "parallel.deck", "store_buffering.deck",
        "missed_callback.deck", "ring.deck", "fan_in.deck"}) {
    for (Ordering ordering : {Ordering::kCallbacks, Ordering::kNone}) {
      ExpectAgreesWithPlain(MustLoadExample(deck, ordering), ordering);
    }
  }
}

// The reachable outcomes of the one-term example decks, worked out by hand.
TEST(ExplorerTest, ExampleDecksReachExactlyTheirOutcomes) {
  struct Case {
    const char* deck;
    Ordering ordering;
    std::set<std::vector<int64_t>> outcomes;
  };
  const Case cases[] = {
      // A's token comes back with what the last stack that got it added.
      {"ring.deck", Ordering::kCallbacks, {{10}}},
      {"ring.deck", Ordering::kNone, {{1}, {4}, {7}, {9}, {10}}},
      // The collector sums the slots already written: any subset of 1, 2, 3.
      {"fan_in.deck", Ordering::kCallbacks, {{6}}},
      {"fan_in.deck", Ordering::kNone, {{0}, {1}, {2}, {3}, {4}, {5}, {6}}},
      {"parallel.deck", Ordering::kCallbacks, {{20, 20, 40}}},
      {"parallel.deck", Ordering::kNone, {{0, 0, 0}, {0, 20, 20}, {20, 0, 20}, {20, 20, 40}}},
      {"producer_consumer.deck", Ordering::kCallbacks, {{60}}},
      {"producer_consumer.deck",
       Ordering::kNone,
       {{0}, {10}, {20}, {30}, {40}, {50}, {60}, {70}, {80}, {90}}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Values(Check(MustLoadExample(c.deck, c.ordering), c.ordering)), c.outcomes)
        << c.deck << " " << OrderingName(c.ordering);
  }
}

TEST(ExplorerTest, TransferHasFourOutcomesWithoutCallbacksAndOneWith) {
  const Program none = MustLoad(testing::kTransferDeck, Ordering::kNone);
  const CheckResult naive = Check(none, Ordering::kNone);
  std::set<int64_t> balances;
  for (const CheckOutcome& o : naive.outcomes) balances.insert(o.values[0]);
  EXPECT_EQ(balances, (std::set<int64_t>{150, 200, 250, 300}));
  EXPECT_EQ(naive.expect, ExpectVerdict::kSometimes);
  EXPECT_TRUE(naive.order_violation);
  EXPECT_EQ(CheckExitCode(naive), 1);

  const Program callbacks = MustLoad(testing::kTransferDeck);
  const CheckResult ordered = Check(callbacks, Ordering::kCallbacks);
  ASSERT_EQ(ordered.outcomes.size(), 1u);
  EXPECT_EQ(ordered.outcomes[0].values[0], 300);
  EXPECT_EQ(ordered.expect, ExpectVerdict::kAlways);
  EXPECT_FALSE(ordered.order_violation);
  EXPECT_EQ(CheckExitCode(ordered), 0);
}

TEST(ExplorerTest, StoreBufferingNeverEndsInZeroZero) {
  for (Ordering ordering : {Ordering::kCallbacks, Ordering::kNone}) {
    const CheckResult result = Check(MustLoad(testing::kStoreBufferingDeck, ordering), ordering);
    EXPECT_EQ(Values(result), (std::set<std::vector<int64_t>>{{0, 1}, {1, 0}, {1, 1}}));
    EXPECT_EQ(result.expect, ExpectVerdict::kAlways);  // no expect lines
    EXPECT_EQ(CheckExitCode(result), 0);
  }
}

TEST(ExplorerTest, MessagePassingNeverSeesTheFlagWithoutTheData) {
  const CheckResult result = Check(MustLoadExample("message_passing.deck"), Ordering::kCallbacks);
  EXPECT_EQ(Values(result), (std::set<std::vector<int64_t>>{{0, 0}, {0, 1}, {1, 1}}));
}

TEST(ExplorerTest, IriwReadersAgreeOnTheOrderOfWrites) {
  const CheckResult result = Check(MustLoadExample("iriw.deck"), Ordering::kCallbacks);
  std::set<std::vector<int64_t>> all;
  for (int bits = 0; bits < 16; ++bits) {
    all.insert({bits >> 3 & 1, bits >> 2 & 1, bits >> 1 & 1, bits & 1});
  }
  all.erase({1, 0, 1, 0});
  EXPECT_EQ(Values(result), all);
}

TEST(ExplorerTest, MissedCallbackIsFoundOnlyWithoutOrdering) {
  const CheckResult none = Check(MustLoad(testing::kMissedDeck, Ordering::kNone), Ordering::kNone);
  EXPECT_TRUE(none.order_violation);
  EXPECT_EQ(Values(none), (std::set<std::vector<int64_t>>{{0, 0}, {0, 7}, {1, 0}, {1, 7}}));
  const CheckResult callbacks = Check(MustLoad(testing::kMissedDeck), Ordering::kCallbacks);
  EXPECT_FALSE(callbacks.order_violation);
  EXPECT_EQ(Values(callbacks), (std::set<std::vector<int64_t>>{{0, 7}, {1, 7}}));
}

std::string IndependentDeck(int stacks, int writes) {
  std::string deck;
  for (int s = 0; s < stacks; ++s) deck += "shared v" + std::to_string(s) + "\n";
  for (int s = 0; s < stacks; ++s) {
    deck += "stack S" + std::to_string(s) + ":\n";
    for (int w = 1; w <= writes; ++w) {
      deck += "    write " + std::to_string(w) + " -> v" + std::to_string(s) + "\n";
    }
  }
  return deck;
}

// A ring of n stacks passing a token round once, adding to it.
std::string RingDeck(int n) {
  std::string deck;
  const auto name = [](int i) { return "S" + std::to_string(i); };
  for (int i = 0; i < n; ++i) {
    deck += "stack " + name(i) + ":\n";
    if (i == 0) {
      deck += "    set t 1\n    notify " + name(1) + " t\n    await " + name(n - 1) + " -> t\n";
    } else {
      deck += "    await " + name(i - 1) + " -> t\n    add t 1\n    notify " + name((i + 1) % n) +
              " t\n";
    }
  }
  deck += "outcome S0.t\nexpect S0.t == " + std::to_string(n) + "\n";
  return deck;
}

TEST(ExplorerTest, SixIndependentStacksTakeOneExecution) {
  const Program program = MustLoad(IndependentDeck(6, 3));
  const CheckResult reduced = Check(program, Ordering::kCallbacks);
  EXPECT_EQ(reduced.executions, 1u);
  EXPECT_EQ(reduced.outcomes.size(), 1u);
  const CheckResult plain = Check(program, Ordering::kCallbacks, false);
  EXPECT_EQ(Values(plain), Values(reduced));
  // 18! / (3!)^6 interleavings of 6 stacks of 3 steps.
  EXPECT_EQ(plain.executions, 137'225'088'000u);
  EXPECT_GE(plain.executions / reduced.executions, 100u);
}

TEST(ExplorerTest, RingOfSixPrunesTenfold) {
  // With callbacks a ring is one chain: a single schedule either way.
  const Program ordered = MustLoad(RingDeck(6));
  EXPECT_EQ(Check(ordered, Ordering::kCallbacks).executions, 1u);
  EXPECT_EQ(Check(ordered, Ordering::kCallbacks, false).executions, 1u);
  // Without, the stacks race and the reduction has work to do.
  const Program program = MustLoad(RingDeck(6), Ordering::kNone);
  const CheckResult reduced = Check(program, Ordering::kNone);
  const CheckResult plain = Check(program, Ordering::kNone, false);
  EXPECT_EQ(Values(plain), Values(reduced));
  EXPECT_GE(plain.executions, 10 * reduced.executions)
      << plain.executions << " vs " << reduced.executions;
}

TEST(ExplorerTest, MaxStatesStopsWithAPartialAnswer) {
  const Program program = MustLoad(RingDeck(8), Ordering::kNone);
  const CheckResult result = Check(program, Ordering::kNone, true, 10);
  EXPECT_FALSE(result.complete);
  EXPECT_EQ(result.states, 10u);
  EXPECT_EQ(CheckExitCode(result), 4);
  EXPECT_NE(CheckToText(program, Ordering::kNone, result, std::nullopt).find("PARTIAL"),
            std::string::npos);
}

TEST(ExplorerTest, RunErrorsAreFoundWithASchedule) {
  // B divides by what it read: zero unless A wrote first.
  const Program program = MustLoad(R"(shared x
stack A:
    write 5 -> x
stack B:
    read x -> d
    set q 10
    div q d
    write q -> x
)");
  const CheckResult result = Check(program, Ordering::kCallbacks);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].message, "stack B, card 3 `div q d` (line 7): division by zero");
  EXPECT_EQ(FormatSchedule(program, result.errors[0].schedule), "B B");
  EXPECT_EQ(CheckExitCode(result), 1);
  const RunResult run =
      RunLocalOnce(program, Ordering::kCallbacks, 1, 1, {}, result.errors[0].schedule);
  ASSERT_TRUE(run.error);
  EXPECT_EQ(run.error->message, result.errors[0].message);
  ExpectAgreesWithPlain(program, Ordering::kCallbacks);
}

TEST(ExplorerTest, OutputIsTheSameEveryTime) {
  const Program program = MustLoad(testing::kTransferDeck, Ordering::kNone);
  const std::string first = CheckToJson(program, Ordering::kNone, Check(program, Ordering::kNone));
  EXPECT_EQ(first, CheckToJson(program, Ordering::kNone, Check(program, Ordering::kNone)));
  EXPECT_NE(first.find("\"expect\": \"sometimes\""), std::string::npos) << first;
}

TEST(ExplorerTest, TheStoryNamesTheLostUpdate) {
  const Program program = MustLoad(testing::kTransferDeck, Ordering::kNone);
  const CheckResult result = Check(program, Ordering::kNone);
  const std::string text = CheckToText(program, Ordering::kNone, result, std::nullopt);
  EXPECT_NE(text.find("Observation test.deck Sometimes 1 3"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL: 3 of 4 reachable outcomes break an expect"), std::string::npos)
      << text;
  EXPECT_NE(text.find("B: await A — nothing has arrived, B goes on (line 11)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("A's write of 150 was overwritten by B's write of 200: A's update is lost"),
            std::string::npos)
      << text;
}

// Inside a `repeat`, a story's step names the iteration too (DECK.md:
// "the source line and, inside a repeat, the iteration").
TEST(ExplorerTest, TheStoryNamesTheIterationOfARepeatedCard) {
  const Program program = MustLoad(
      "shared c\nstack A:\n    repeat 2:\n        read c -> t\n        add t 1\n"
      "        write t -> c\nstack B:\n    read c -> u\n    add u 1\n    write u -> c\n"
      "expect c == 3\noutcome c\n",
      Ordering::kNone);
  const CheckResult result = Check(program, Ordering::kNone);
  const std::string text = CheckToText(program, Ordering::kNone, result, std::nullopt);
  EXPECT_NE(text.find("(line 4, iteration 1)"), std::string::npos) << text;
  EXPECT_NE(text.find("(line 4, iteration 2)"), std::string::npos) << text;
  EXPECT_EQ(text.find("(line 4)"), std::string::npos) << text;
  EXPECT_NE(text.find("B: read c -> u = "), std::string::npos) << text;
  EXPECT_NE(text.find(" (line 8)"), std::string::npos) << text;  // B's cards are in no repeat
}

// A deck every schedule of which stops on a run error has no outcome:
// `check` and the run report say so instead of counting nothing ("0 of 0
// reachable outcomes seen"), and PASS/Always is not claimed.
TEST(ExplorerTest, NoReachableOutcomeIsSaidInWords) {
  const Program program =
      MustLoad("shared x = 1\nstack A:\n    read x -> a\n    div a 0\noutcome x\n");
  const CheckResult result = Check(program, Ordering::kCallbacks);
  ASSERT_TRUE(result.outcomes.empty());
  const std::string text = CheckToText(program, Ordering::kCallbacks, result, result);
  EXPECT_NE(text.find("States 0\n(no schedule reaches an outcome: every one stops on a run "
                      "error)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Explored 3 states in "), std::string::npos) << text;
  EXPECT_NE(text.find(", covering 1 schedule; without"), std::string::npos) << text;
  EXPECT_NE(text.find("; without the reduction: 3 states, 1 schedule (1.0x as many)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("FAIL: 1 run error is reachable"), std::string::npos) << text;

  ReportBuilder builder(program, Ordering::kCallbacks, 1, {{"A", "local"}});
  Report report = std::move(builder).Finish(0);
  report.reachable = CompareWithReachable(program, Ordering::kCallbacks, report, 1000);
  ASSERT_TRUE(report.reachable);
  const std::string run_text = ReportToText(report);
  EXPECT_NE(run_text.find("no outcome is reachable: every schedule stops on a run error"),
            std::string::npos)
      << run_text;
  EXPECT_EQ(run_text.find("0 of 0"), std::string::npos) << run_text;
}

// A report whose runs saw (0,0) in store buffering — impossible with one
// atomic table — is a cardflow bug, said as one and failing the run.
TEST(ReachableTest, AnOutcomeNoScheduleReachesFailsLoudly) {
  const Program program = MustLoad(testing::kStoreBufferingDeck);
  ReportBuilder builder(program, Ordering::kCallbacks, 1, {{"A", "local"}, {"B", "local"}});
  for (std::vector<int64_t> values : {std::vector<int64_t>{0, 1}, {0, 0}}) {
    RunResult run;
    run.seed = values[1] + 1;
    run.values = values;
    run.expect_ok = true;
    builder.Add(run);
  }
  Report report = std::move(builder).Finish(0);
  EXPECT_EQ(ReportExitCode(report), 0);
  report.reachable = CompareWithReachable(program, Ordering::kCallbacks, report, 1000);
  ASSERT_TRUE(report.reachable);
  EXPECT_EQ(report.reachable->outcomes, 3u);
  EXPECT_EQ(report.reachable->unseen, (std::vector<std::vector<int64_t>>{{1, 0}, {1, 1}}));
  EXPECT_EQ(report.reachable->impossible, (std::vector<std::vector<int64_t>>{{0, 0}}));
  EXPECT_EQ(ReportExitCode(report), 1);
  const std::string text = ReportToText(report);
  EXPECT_NE(text.find("1 of 3 reachable outcomes seen; never seen: A.r=1 B.r=0, A.r=1 B.r=1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("cardflow bug: a run ended in A.r=0 B.r=0"), std::string::npos) << text;
  // Too small a budget: nothing can be said.
  EXPECT_FALSE(CompareWithReachable(program, Ordering::kCallbacks, report, 2));
}

}  // namespace
}  // namespace cardflow
