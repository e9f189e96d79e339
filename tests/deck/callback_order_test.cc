// The callbacks-mode deadlock check: unmatched awaits and cycles of program
// order + matched callbacks, and that `--ordering none` skips both.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/deck/deck_test_util.h"

namespace cardflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(CallbackOrderTest, ReportsAnAwaitWithTooFewNotifies) {
  const std::string deck =
      "shared x\n"      // 1
      "stack A:\n"      // 2
      "    set a 1\n"   // 3
      "    notify B\n"  // 4
      "    set a 2\n"   // 5
      "stack B:\n"      // 6
      "    set b 1\n"   // 7
      "    await A\n"   // 8
      "    await A\n";  // 9
  EXPECT_THAT(Errors(deck), ElementsAre("9:5: B awaits A twice but A notifies B once (line 4)"));
  EXPECT_EQ(Load(deck).errors[0].ToString(),
            "t.deck:9:5: error: B awaits A twice but A notifies B once (line 4)");
  EXPECT_THAT(Errors(deck, Ordering::kNone), IsEmpty());
}

TEST(CallbackOrderTest, ReportsAnAwaitThatIsNeverNotified) {
  EXPECT_THAT(Errors("stack A:\n    set a 1\nstack B:\n    await A -> b\n"),
              ElementsAre("4:5: B awaits A once but A never notifies B"));
}

TEST(CallbackOrderTest, ListsTheNotifyLines) {
  EXPECT_THAT(Errors("stack A:\n  notify B\n  notify B\n  notify B\n"
                     "stack B:\n  await A\n  await A\n  await A\n  await A\n"),
              ElementsAre("9:3: B awaits A 4 times but A notifies B 3 times (lines 2, 3 and 4)"));
}

TEST(CallbackOrderTest, ExtraNotifiesAreNotAnError) {
  EXPECT_THAT(Errors("stack A:\n  notify B\n  notify B\nstack B:\n  await A\n"), IsEmpty());
}

TEST(CallbackOrderTest, ReportsATwoStackCycleAndNoneModeAcceptsIt) {
  const std::string deck =
      "stack A:\n"       // 1
      "    await B\n"    // 2
      "    notify B\n"   // 3
      "stack B:\n"       // 4
      "    await A\n"    // 5
      "    notify A\n";  // 6
  EXPECT_THAT(Errors(deck),
              ElementsAre("2:5: deadlock: A waits at line 2 for B's notify at line 6, and B waits "
                          "at line 5 for A's notify at line 3; each waits before it notifies, so "
                          "none can go on"));
  const LoadResult none = Load(deck, Ordering::kNone);
  ASSERT_TRUE(none.program.has_value()) << FormatDiagnostics(none.errors);
  EXPECT_EQ(none.program->channels.size(), 2u);
}

TEST(CallbackOrderTest, ReportsALongerCycleFromItsEarliestAwait) {
  // C waits for A, A for B, B for C; the cycle is reported once, at line 2.
  const std::string deck =
      "stack B:\n"       // 1
      "    await C\n"    // 2
      "    notify A\n"   // 3
      "stack A:\n"       // 4
      "    await B\n"    // 5
      "    notify C\n"   // 6
      "stack C:\n"       // 7
      "    await A\n"    // 8
      "    notify B\n";  // 9
  EXPECT_THAT(Errors(deck),
              ElementsAre("2:5: deadlock: B waits at line 2 for C's notify at line 9, C waits at "
                          "line 8 for A's notify at line 6, and A waits at line 5 for B's notify "
                          "at line 3; each waits before it notifies, so none can go on"));
}

TEST(CallbackOrderTest, FindsCyclesThroughLaterMatches) {
  // The first callback each way is fine; the second pair deadlocks.
  const std::string deck =
      "stack A:\n"       // 1
      "    notify B\n"   // 2
      "    await B\n"    // 3
      "    await B\n"    // 4
      "    notify B\n"   // 5
      "stack B:\n"       // 6
      "    await A\n"    // 7
      "    notify A\n"   // 8
      "    await A\n"    // 9
      "    notify A\n";  // 10
  EXPECT_THAT(Errors(deck),
              ElementsAre("4:5: deadlock: A waits at line 4 for B's notify at line 10, and B "
                          "waits at line 9 for A's notify at line 5; each waits before it "
                          "notifies, so none can go on"));
}

TEST(CallbackOrderTest, StacksStuckBehindADeadlockAreNotReportedAgain) {
  const std::string deck =
      "stack A:\n  await B\n  notify B\n  notify C\n"
      "stack B:\n  await A\n  notify A\n"
      "stack C:\n  await A\n"
      "stack D:\n  await C\n";  // D waits on C, which waits on the cycle.
  const std::vector<std::string> errors = Errors(deck);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].rfind("2:3: deadlock: A waits", 0), 0u) << errors[0];
  EXPECT_EQ(errors[1], "11:3: D awaits C once but C never notifies D");
}

TEST(CallbackOrderTest, AcceptsPingPongAndTheSpecExample) {
  EXPECT_THAT(Errors("stack A:\n  notify B 1\n  await B -> r\n  notify B r\n"
                     "stack B:\n  await A -> x\n  notify A x\n  await A -> y\n"),
              IsEmpty());
  EXPECT_THAT(Errors(kTransferDeck), IsEmpty());
}

TEST(CallbackOrderTest, HandlesManyStacksInLinearTime) {
  // A ring of 20,000 stacks handing one token around, then a broken ring.
  constexpr int kStacks = 20000;
  std::string ring;
  for (int i = 0; i < kStacks; ++i) {
    const std::string me = "S" + std::to_string(i);
    const std::string next = "S" + std::to_string((i + 1) % kStacks);
    const std::string prev = "S" + std::to_string((i + kStacks - 1) % kStacks);
    ring += "stack " + me + ":\n";
    ring += i == 0 ? "  notify " + next + "\n  await " + prev + "\n"
                   : "  await " + prev + "\n  notify " + next + "\n";
  }
  EXPECT_THAT(Errors(ring), IsEmpty());
  std::string deadlocked = ring;
  const std::string first = "  notify S1\n  await S19999\n";
  deadlocked.replace(deadlocked.find(first), first.size(), "  await S19999\n  notify S1\n");
  const std::vector<std::string> errors = Errors(deadlocked);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("deadlock: S0 waits at line 2"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("(20000 stacks)"), std::string::npos);
}

}  // namespace
}  // namespace cardflow::testing
