#include "common/report/report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

namespace cardflow {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;

// DECK.md's example report, byte for byte.
constexpr char kSpecExample[] = R"({
  "deck": "transfer.deck",
  "ordering": "callbacks",
  "placement": {"A": "X", "B": "Y"},
  "runs": 200,
  "seed": 1,
  "outcomes": [
    {"values": {"balance": 300, "A.a": 150, "B.b": 300}, "count": 200, "expect": true, "seed": 1, "schedule": "A A A A>B B B B"}
  ],
  "expect_failures": 0,
  "order_violations": 0,
  "run_errors": 0
}
)";

Report SpecExample() {
  Report r;
  r.deck = "transfer.deck";
  r.ordering = Ordering::kCallbacks;
  r.placement = {{"A", "X"}, {"B", "Y"}};
  r.runs = 200;
  r.seed = 1;
  r.terms = {"balance", "A.a", "B.b"};
  r.expects = {"balance == 300"};
  r.outcomes = {{{300, 150, 300}, 200, true, 1, "A A A A>B B B B"}};
  return r;
}

Program Transfer() {
  Program p;
  p.file = "transfer.deck";
  p.shared = {{"balance", 100}};
  p.stacks.resize(2);
  p.stacks[0].name = "A";
  p.stacks[1].name = "B";
  p.outcome = {TermRef{TermRef::Kind::kShared, 0, 0, "balance"},
               TermRef{TermRef::Kind::kRegister, 0, 0, "A.a"},
               TermRef{TermRef::Kind::kRegister, 1, 0, "B.b"}};
  Expectation e;
  e.text = "balance == 300";
  p.expects = {e};
  return p;
}

RunResult Ok(uint64_t seed, std::vector<int64_t> values, bool expect_ok) {
  RunResult r;
  r.seed = seed;
  r.values = std::move(values);
  r.expect_ok = expect_ok;
  return r;
}

RunResult Failed(uint64_t seed, std::string message) {
  RunResult r;
  r.seed = seed;
  r.error = RunError{1, 2, std::move(message)};
  return r;
}

std::vector<std::string> Keys(const std::string& json) {
  const nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(json);
  std::vector<std::string> keys;
  for (const auto& item : parsed.items()) keys.push_back(item.key());
  return keys;
}

TEST(ReportJsonTest, SpecExampleByteForByte) {
  EXPECT_EQ(ReportToJson(SpecExample()), kSpecExample);
}

TEST(ReportJsonTest, KeysComeInTheSpecsOrder) {
  EXPECT_THAT(Keys(ReportToJson(SpecExample())),
              ElementsAre("deck", "ordering", "placement", "runs", "seed", "outcomes",
                          "expect_failures", "order_violations", "run_errors"));
}

TEST(ReportJsonTest, ValuesKeepOutcomeTermOrderNotAlphabetical) {
  Report r = SpecExample();
  r.terms = {"z", "a", "m"};
  const auto json = nlohmann::ordered_json::parse(ReportToJson(r));
  std::vector<std::string> keys;
  for (const auto& item : json["outcomes"][0]["values"].items()) keys.push_back(item.key());
  EXPECT_THAT(keys, ElementsAre("z", "a", "m"));
}

TEST(ReportJsonTest, ErrorsAndMovedAppearOnlyWhenThereAreAny) {
  Report r = SpecExample();
  r.run_errors = 1;
  r.runs = 201;
  r.errors = {"run 201 (seed 201): stack B, card 3 `div b 0` (line 12): division by zero"};
  r.moved = {"B"};
  const std::string json = ReportToJson(r);
  EXPECT_THAT(Keys(json),
              ElementsAre("deck", "ordering", "placement", "runs", "seed", "outcomes",
                          "expect_failures", "order_violations", "run_errors", "errors", "moved"));
  EXPECT_THAT(json, HasSubstr("  \"errors\": [\n    \"run 201 (seed 201): stack B"));
}

TEST(ReportJsonTest, WallTimeNeverAppears) {
  Report fast = SpecExample();
  Report slow = SpecExample();
  fast.wall_seconds = 0.01;
  slow.wall_seconds = 12.5;
  EXPECT_EQ(ReportToJson(fast), ReportToJson(slow));
}

TEST(ReportJsonTest, EmptyOutcomesAndOddNamesStayValidJson) {
  Report r = SpecExample();
  r.outcomes.clear();
  r.deck = "we\"ird\\name\xff.deck";  // a quote, a backslash, invalid UTF-8
  const std::string json = ReportToJson(r);
  EXPECT_THAT(json, HasSubstr("  \"outcomes\": [],\n"));
  EXPECT_NO_THROW(nlohmann::json::parse(json));
}

TEST(ReportBuilderTest, MostFrequentFirstTiesByValuesAscending) {
  ReportBuilder b(Transfer(), Ordering::kNone, 1, {{"A", "local"}, {"B", "local"}});
  uint64_t seed = 1;
  auto add = [&](std::vector<int64_t> values, int times, bool ok) {
    for (int i = 0; i < times; ++i) b.Add(Ok(seed++, values, ok));
  };
  add({250, 150, 250}, 2, false);
  add({300, 150, 300}, 5, true);
  add({150, 150, 200}, 2, false);
  add({200, 150, 200}, 3, false);
  const Report r = std::move(b).Finish(0);
  ASSERT_EQ(r.outcomes.size(), 4u);
  EXPECT_EQ(r.outcomes[0].values[0], 300);
  EXPECT_EQ(r.outcomes[1].values[0], 200);
  EXPECT_EQ(r.outcomes[2].values[0], 150);  // tie with 250: smaller values first
  EXPECT_EQ(r.outcomes[3].values[0], 250);
  EXPECT_EQ(r.runs, 12u);
  EXPECT_EQ(r.expect_failures, 7u);
  EXPECT_TRUE(r.outcomes[0].expect);
  EXPECT_FALSE(r.outcomes[1].expect);
}

TEST(ReportBuilderTest, ReportDependsOnlyOnTheSetOfResults) {
  std::vector<RunResult> results;
  for (uint64_t s = 1; s <= 300; ++s) {
    if (s % 37 == 0) {
      results.push_back(Failed(s, "boom " + std::to_string(s)));
    } else {
      const int64_t v = static_cast<int64_t>(s % 4) * 50 + 150;
      results.push_back(Ok(s, {v, 150, v}, v == 300));
    }
    results.back().order_violation = s % 3 == 0;
  }
  auto build = [&](const std::vector<RunResult>& in) {
    ReportBuilder b(Transfer(), Ordering::kNone, 1, {{"B", "local"}, {"A", "local"}});
    for (const RunResult& r : in) b.Add(r);
    return ReportToJson(std::move(b).Finish(0));
  };
  const std::string expected = build(results);
  std::mt19937 rng(42);
  for (int i = 0; i < 5; ++i) {
    std::shuffle(results.begin(), results.end(), rng);
    EXPECT_EQ(build(results), expected);
  }
}

TEST(ReportBuilderTest, ErroredRunsAreCountedButAreNotOutcomes) {
  ReportBuilder b(Transfer(), Ordering::kCallbacks, 5, {});
  b.Add(Ok(5, {300, 150, 300}, true));
  b.Add(Failed(7, "stack B, card 3 `div b 0` (line 12): division by zero"));
  b.Add(Ok(6, {300, 150, 300}, true));
  const Report r = std::move(b).Finish(0);
  EXPECT_EQ(r.runs, 3u);
  EXPECT_EQ(r.run_errors, 1u);
  EXPECT_EQ(r.expect_failures, 0u);
  ASSERT_EQ(r.outcomes.size(), 1u);
  EXPECT_EQ(r.outcomes[0].count, 2u);
  EXPECT_THAT(r.errors, ElementsAre("run 3 (seed 7): stack B, card 3 `div b 0` (line 12): "
                                    "division by zero"));
  EXPECT_EQ(ReportExitCode(r), 1);
}

TEST(ReportBuilderTest, ListsOnlyTheFirstErrorsBySeed) {
  ReportBuilder b(Transfer(), Ordering::kCallbacks, 1, {});
  for (uint64_t s = 40; s >= 1; --s) b.Add(Failed(s, "e"));
  const Report r = std::move(b).Finish(0);
  EXPECT_EQ(r.run_errors, 40u);
  ASSERT_EQ(r.errors.size(), ReportBuilder::kMaxListedErrors);
  EXPECT_EQ(r.errors.front(), "run 1 (seed 1): e");
  EXPECT_EQ(r.errors.back(), "run 10 (seed 10): e");
}

TEST(ReportBuilderTest, OutcomeFailsExpectWhenAnyOfItsRunsDid) {
  // An expect may name a register outside the outcome terms.
  ReportBuilder b(Transfer(), Ordering::kCallbacks, 1, {});
  b.Add(Ok(1, {300, 150, 300}, true));
  b.Add(Ok(2, {300, 150, 300}, false));
  const Report r = std::move(b).Finish(0);
  ASSERT_EQ(r.outcomes.size(), 1u);
  EXPECT_FALSE(r.outcomes[0].expect);
  EXPECT_EQ(r.expect_failures, 1u);
}

TEST(ReportBuilderTest, PlacementInDeckOrderAndHeaderFromProgram) {
  ReportBuilder b(Transfer(), Ordering::kNone, 9, {{"B", "Y"}, {"A", "X"}});
  const Report r = std::move(b).Finish(1.5);
  EXPECT_EQ(r.placement,
            (std::vector<std::pair<std::string, std::string>>{{"A", "X"}, {"B", "Y"}}));
  EXPECT_EQ(r.deck, "transfer.deck");
  EXPECT_EQ(r.ordering, Ordering::kNone);
  EXPECT_EQ(r.seed, 9u);
  EXPECT_THAT(r.terms, ElementsAre("balance", "A.a", "B.b"));
  EXPECT_THAT(r.expects, ElementsAre("balance == 300"));
  EXPECT_EQ(r.wall_seconds, 1.5);
}

TEST(ReportExitCodeTest, ZeroOnlyWhenEveryRunWasFine) {
  Report r = SpecExample();
  EXPECT_EQ(ReportExitCode(r), 0);
  r.expect_failures = 1;
  EXPECT_EQ(ReportExitCode(r), 1);
  r = SpecExample();
  r.order_violations = 1;
  EXPECT_EQ(ReportExitCode(r), 1);
  r = SpecExample();
  r.run_errors = 1;
  EXPECT_EQ(ReportExitCode(r), 1);
}

TEST(ReportTextTest, PassVerdictIsTheLastLine) {
  const std::string text = ReportToText(SpecExample());
  EXPECT_THAT(
      text, testing::EndsWith("PASS: 200/200 runs ended in one outcome that meets every expect\n"));
  EXPECT_THAT(text, HasSubstr("transfer.deck · ordering callbacks · 200 runs (seeds 1..200)"));
  EXPECT_THAT(text, HasSubstr("A on X, B on Y"));
  EXPECT_THAT(text, HasSubstr("expect balance == 300"));
  EXPECT_THAT(text, HasSubstr("200 100.0%"));
  EXPECT_THAT(text, HasSubstr("✓  balance=300 A.a=150 B.b=300"));
}

// A deck of many stacks: the header counts them by node instead of naming
// each (a 100,000-stack deck's line was 1.4 MB); the JSON still names each.
TEST(ReportTextTest, PlacementOfManyStacksIsCountedByNode) {
  Report r = SpecExample();
  r.placement.clear();
  for (int i = 0; i < 9; ++i) r.placement.emplace_back("S" + std::to_string(i), i % 3 ? "X" : "Y");
  EXPECT_THAT(ReportToText(r), HasSubstr(" · placement 9 stacks: 3 on Y, 6 on X\n"));
  for (auto& [stack, node] : r.placement) node = "X";
  EXPECT_THAT(ReportToText(r), HasSubstr(" · placement 9 stacks, all on X\n"));
  r.placement.resize(8);
  EXPECT_THAT(ReportToText(r),
              HasSubstr(" · placement S0 on X, S1 on X, S2 on X, S3 on X, S4 on X, "
                        "S5 on X, S6 on X, S7 on X\n"));
  EXPECT_THAT(ReportToJson(r), HasSubstr("\"S7\": \"X\""));
}

TEST(ReportTextTest, FailVerdictCountsEveryKindOfFailure) {
  Report r = SpecExample();
  r.runs = 2000;
  r.outcomes = {{{300, 150, 300}, 1000, true}, {{200, 150, 200}, 997, false}};
  r.expect_failures = 997;
  r.order_violations = 997;
  r.run_errors = 3;
  r.errors = {"run 6 (seed 6): overflow"};
  const std::string text = ReportToText(r);
  EXPECT_THAT(text, HasSubstr("✗  balance=200 A.a=150 B.b=200"));
  EXPECT_THAT(text, HasSubstr("run 6 (seed 6): overflow"));
  // Shares are of the 1,997 completed runs the histogram's title counts.
  EXPECT_THAT(text, HasSubstr("2 distinct outcomes over 1997 completed runs:\n"
                              "  1000  50.1%"));
  EXPECT_THAT(text, HasSubstr("   997  49.9%"));
  EXPECT_EQ(ReportVerdict(r),
            "FAIL: 997/2000 runs broke an expect, 997/2000 runs had an await miss its callback, "
            "3/2000 runs stopped on a run error");
  EXPECT_THAT(text, testing::EndsWith(ReportVerdict(r) + "\n"));
}

TEST(ReportTextTest, LongHistogramsAreCut) {
  Report r = SpecExample();
  r.outcomes.clear();
  for (int64_t v = 0; v < 40; ++v) r.outcomes.push_back({{v, 0, 0}, 5, true});
  r.runs = 200;
  const std::string histogram = ReportHistogram(r);
  EXPECT_EQ(std::count(histogram.begin(), histogram.end(), '\n'), 1 + 16 + 1);
  EXPECT_THAT(histogram, HasSubstr("24 more outcomes (120 runs)"));
}

TEST(ReportTextTest, NoCompletedRunSaysSo) {
  Report r = SpecExample();
  r.outcomes.clear();
  r.run_errors = r.runs;
  EXPECT_EQ(ReportHistogram(r), "no outcomes: no run completed\n");
  EXPECT_EQ(ReportVerdict(r), "FAIL: 200/200 runs stopped on a run error");
}

// A witness of a big deck (a ring of 100,000 stacks has 400,000 steps) is
// shortened in the text, which says how many steps it has; the JSON keeps it.
TEST(ReportTextTest, LongWitnessesAreShortenedSayingHowLong) {
  Report r = SpecExample();
  std::string schedule;
  for (int i = 0; i < 1000; ++i) schedule += (i ? " S" : "S") + std::to_string(i);
  r.outcomes.front().schedule = schedule;
  const std::string text = ReportToText(r);
  EXPECT_EQ(text.find("S999"), std::string::npos) << text;
  EXPECT_NE(text.find(": S0 S1 S2 "), std::string::npos) << text;
  EXPECT_NE(text.find(" ... (1000 steps: --format json has them all)\n"), std::string::npos)
      << text;
  EXPECT_NE(ReportToJson(r).find("S999"), std::string::npos);
}

// Under the network shuffle a seed does not fix the order: the text says
// so, and points to the witness schedules instead of to the seed.
TEST(ReportTextTest, NetworkOrderSaysTheSeedDoesNotFixIt) {
  Report r = SpecExample();
  const std::string seeded = ReportToText(r);
  EXPECT_EQ(seeded.find("network order"), std::string::npos);
  EXPECT_NE(seeded.find("replay with --seed S --runs 1"), std::string::npos);
  r.shuffle = Shuffle::kNetwork;
  const std::string network = ReportToText(r);
  EXPECT_NE(network.find("network order: the seed does not fix it (--shuffle seeded does)"),
            std::string::npos)
      << network;
  EXPECT_EQ(network.find("replay with --seed S --runs 1"), std::string::npos) << network;
  EXPECT_NE(network.find("replay the schedule with --schedule FILE"), std::string::npos);
  EXPECT_EQ(ReportToJson(r), ReportToJson(SpecExample()));  // text only
}

TEST(ReportTextTest, MovedStacksOnePerLine) {
  Report r = SpecExample();
  r.moved = {"B: Y -> X", "D: Y -> X"};
  const std::string text = ReportToText(r);
  EXPECT_NE(text.find("moved during a run (a node was lost mid-run: it died or shut down; its "
                      "stacks went on elsewhere):\n"
                      "  B: Y -> X\n  D: Y -> X\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("later runs"), std::string::npos) << text;
}

TEST(ReportTextTest, StacksPlacedElsewhereForLaterRunsAreListedApartFromMovedOnes) {
  Report r = SpecExample();
  r.moved = {"B: Y -> X"};
  r.replaced = {"B: Y -> X", "D: Y -> Z"};
  const std::string text = ReportToText(r);
  EXPECT_NE(text.find("moved during a run (a node was lost mid-run: it died or shut down; its "
                      "stacks went on elsewhere):\n"
                      "  B: Y -> X\n"
                      "placed elsewhere for the runs that started while their node was down:\n"
                      "  B: Y -> X\n  D: Y -> Z\n"),
            std::string::npos)
      << text;
  // Only re-placed, never moved during a run: no "moved during a run" line.
  r.moved.clear();
  EXPECT_EQ(ReportToText(r).find("moved during a run"), std::string::npos);
}

TEST(ReportTextTest, NodesThatAnsweredAgainAreNamedInTextOnly) {
  Report r = SpecExample();
  r.replaced = {"B: Y -> X"};
  const std::string json_before = ReportToJson(r);
  r.rejoined = {"Y", "Z"};
  const std::string text = ReportToText(r);
  EXPECT_NE(text.find("  B: Y -> X\n"
                      "answered again (later runs placed their stacks there again): Y, Z\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(ReportToJson(r), json_before);  // DECK.md's JSON has no such key
  r.rejoined.clear();
  EXPECT_EQ(ReportToText(r).find("answered again"), std::string::npos);
}

TEST(ReportJsonTest, MovedListsEveryStackMoveOnceWhetherDuringARunOrForLaterRuns) {
  Report r = SpecExample();
  r.moved = {"D: Y -> X"};
  r.replaced = {"B: Y -> X", "D: Y -> X"};
  const auto json = nlohmann::json::parse(ReportToJson(r));
  EXPECT_EQ(json["moved"], (nlohmann::json{"B: Y -> X", "D: Y -> X"}));
  r.moved.clear();
  EXPECT_EQ(nlohmann::json::parse(ReportToJson(r))["moved"],
            (nlohmann::json{"B: Y -> X", "D: Y -> X"}));
}

}  // namespace
}  // namespace cardflow
