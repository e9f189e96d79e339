// Property test: thousands of small random decks (2–4 stacks of 1–4 reads,
// writes, notifies, awaits and adds). On each, in both orderings, the
// reduced search finds exactly the plain search's outcomes, each witness is
// as short as the plain one, and each witness replays through the real local
// engine (as `run --schedule` does) to its outcome.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "common/check/explorer.h"
#include "common/deck/load.h"
#include "common/local/local_runner.h"
#include "common/schedule/schedule_text.h"
#include "common/schedule/seeded_random.h"

namespace cardflow {
namespace {

std::string RandomDeck(SeededRandom& random) {
  const uint32_t stacks = 2 + random.Below(3);
  std::string deck = "shared x\nshared y = 1\n";
  for (uint32_t s = 0; s < stacks; ++s) {
    deck += "stack S" + std::to_string(s) + ":\n";
    const uint32_t cards = 1 + random.Below(4);
    for (uint32_t c = 0; c < cards; ++c) {
      const std::string var = random.Below(2) ? "x" : "y";
      uint32_t peer = random.Below(stacks - 1);
      if (peer >= s) ++peer;
      const std::string other = "S" + std::to_string(peer);
      switch (random.Below(5)) {
        case 0:
          deck += "    read " + var + " -> r\n";
          break;
        case 1:
          deck += random.Below(2)
                      ? "    write r -> " + var + "\n"
                      : "    write " + std::to_string(random.Below(3)) + " -> " + var + "\n";
          break;
        case 2:
          deck += "    notify " + other + (random.Below(2) ? " r\n" : "\n");
          break;
        case 3:
          deck += "    await " + other + (random.Below(2) ? " -> r\n" : "\n");
          break;
        default:
          deck += "    add r " + std::to_string(1 + random.Below(2)) + "\n";
          break;
      }
    }
  }
  return deck;
}

std::set<std::vector<int64_t>> Values(const CheckResult& result) {
  std::set<std::vector<int64_t>> out;
  for (const CheckOutcome& o : result.outcomes) out.insert(o.values);
  return out;
}

TEST(RandomDecksTest, ReducedSearchMatchesPlainAndWitnessesReplay) {
  SeededRandom random(20261130);
  int checked[2] = {0, 0};
  for (int i = 0; i < 2500; ++i) {
    const std::string text = RandomDeck(random);
    for (Ordering ordering : {Ordering::kCallbacks, Ordering::kNone}) {
      LoadResult loaded = LoadDeck(text, "random.deck", ordering);
      if (!loaded.program) continue;  // an await without its notify, a cycle
      const Program& program = *loaded.program;
      ++checked[ordering == Ordering::kNone];
      CheckOptions options;
      options.ordering = ordering;
      const CheckResult reduced = Explore(program, options);
      options.reduction = false;
      const CheckResult plain = Explore(program, options);
      ASSERT_EQ(Values(reduced), Values(plain)) << OrderingName(ordering) << "\n" << text;
      ASSERT_EQ(reduced.order_violation, plain.order_violation) << text;
      ASSERT_EQ(reduced.errors.size(), plain.errors.size()) << text;
      ASSERT_LE(reduced.executions, plain.executions) << text;
      for (size_t k = 0; k < reduced.outcomes.size(); ++k) {
        const CheckOutcome& outcome = reduced.outcomes[k];
        ASSERT_EQ(outcome.schedule.size(), plain.outcomes[k].schedule.size())
            << OrderingName(ordering) << "\n"
            << text << FormatSchedule(program, outcome.schedule) << " vs "
            << FormatSchedule(program, plain.outcomes[k].schedule);
        const RunResult run = RunLocalOnce(program, ordering, 7, 1, {}, outcome.schedule);
        ASSERT_FALSE(run.error) << run.error->message << "\n" << text;
        ASSERT_EQ(run.values, outcome.values) << OrderingName(ordering) << "\n"
                                              << text << FormatSchedule(program, outcome.schedule);
        ASSERT_EQ(FormatSchedule(program, run.schedule), FormatSchedule(program, outcome.schedule))
            << text;
      }
    }
  }
  // Enough decks of each kind for the property to mean something.
  EXPECT_GE(checked[0], 500);
  EXPECT_GE(checked[1], 2000);
}

}  // namespace
}  // namespace cardflow
