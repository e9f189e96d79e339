// Names and ranges: one table row per kind of check error, then decks that
// report several problems at once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/deck/deck_test_util.h"

namespace cardflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CheckErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(CheckErrorTest, ReportsOneErrorAtTheOffendingName) { ExpectOneError(GetParam()); }

const std::string kAB =
    "shared s\n"      // 1
    "stack A:\n"      // 2
    "    set a 1\n"   // 3
    "stack B:\n"      // 4
    "    set b 2\n";  // 5

INSTANTIATE_TEST_SUITE_P(
    Deck, CheckErrorTest,
    ::testing::Values(
        ErrorCase{"DuplicateStack", kAB + "stack A:\n    set c 1\n", 6, 7,
                  "stack 'A' is already declared (line 2)"},
        ErrorCase{"DuplicateShared", kAB + "shared s = 4\n", 6, 8,
                  "shared variable 's' is already declared (line 1)"},
        ErrorCase{"NotifyUnknownStack", kAB + "    notify C\n", 6, 12,
                  "'notify' names unknown stack 'C'"},
        ErrorCase{"AwaitUnknownStack", kAB + "    await C -> x\n", 6, 11,
                  "'await' names unknown stack 'C'"},
        ErrorCase{"NotifyItself", kAB + "    notify B\n", 6, 12, "stack 'B' cannot notify itself"},
        ErrorCase{"AwaitItself", kAB + "    await B\n", 6, 11, "stack 'B' cannot await itself"},
        ErrorCase{"ReadUndeclared", kAB + "    read t -> b\n", 6, 10,
                  "unknown shared variable 't' (declare it with 'shared t')"},
        ErrorCase{"WriteUndeclared", kAB + "    write b -> t\n", 6, 16,
                  "unknown shared variable 't'"},
        ErrorCase{"RegisterNamedLikeShared", kAB + "    add b s\n", 6, 11,
                  "register 's' of stack 'B' has the name of a shared variable (line 1)"},
        ErrorCase{"RegisterNamedLikeSharedDeclaredLater", "stack A:\n    set x 1\nshared x\n", 2, 9,
                  "register 'x' of stack 'A' has the name of a shared variable (line 3)"},
        ErrorCase{"WorkZero", kAB + "    work 0\n", 6, 10,
                  "'work' takes 1 to 10000000 microseconds, not 0"},
        ErrorCase{"WorkTooLong", kAB + "    work 10000001\n", 6, 10,
                  "'work' takes 1 to 10000000 microseconds, not 10000001"},
        ErrorCase{"SleepNegative", kAB + "    sleep -1\n", 6, 11,
                  "'sleep' takes 1 to 600000 milliseconds, not -1"},
        ErrorCase{"SleepTooLong", kAB + "    sleep 600001\n", 6, 11,
                  "'sleep' takes 1 to 600000 milliseconds, not 600001"},
        ErrorCase{"NoStacks", "shared s\nexpect s == 0\n", 1, 1, "the deck has no stacks"},
        ErrorCase{"EmptyFile", "", 1, 1, "the deck has no stacks"},
        ErrorCase{"ExpectUnknownShared", kAB + "expect t == 1\n", 6, 8,
                  "unknown shared variable 't'"},
        ErrorCase{"ExpectUnknownStack", kAB + "expect s == C.c\n", 6, 13,
                  "unknown stack 'C' in 'C.c'"},
        ErrorCase{"ExpectUnknownRegister", kAB + "expect A.b > 0\n", 6, 10,
                  "stack 'A' has no register 'b' (no card of A uses it)"},
        ErrorCase{"OutcomeUnknownTerm", kAB + "outcome s, A.a, B.z\n", 6, 19,
                  "stack 'B' has no register 'z'"},
        ErrorCase{"OutcomeDuplicateTerm", kAB + "outcome A.a, s, A.a\n", 6, 17,
                  "'A.a' appears twice in the outcome"},
        ErrorCase{"SecondOutcomeLine", kAB + "outcome s\noutcome A.a\n", 7, 1,
                  "only one 'outcome' line is allowed (the first is at line 6)"}),
    CaseName);

TEST(CheckerTest, ReportsEveryProblemInSourceOrder) {
  const std::string deck =
      "shared s\n"
      "stack A:\n"
      "    notify C\n"
      "    work 0\n"
      "shared s\n"
      "stack A:\n"
      "    read t -> a\n"
      "expect A.zz == 1\n";
  EXPECT_THAT(Errors(deck), ElementsAre(HasSubstr("3:12: 'notify' names unknown stack 'C'"),
                                        HasSubstr("4:10: 'work' takes 1 to"),
                                        HasSubstr("5:8: shared variable 's' is already declared"),
                                        HasSubstr("6:7: stack 'A' is already declared"),
                                        HasSubstr("7:10: unknown shared variable 't'"),
                                        HasSubstr("8:10: stack 'A' has no register 'zz'")));
}

TEST(CheckerTest, ReportsARegisterNamedLikeASharedVariableOnce) {
  EXPECT_THAT(Errors("shared x\nstack A:\n    set x 1\n    add x x\n"),
              ElementsAre(HasSubstr("3:9: register 'x'")));
}

TEST(CheckerTest, NameErrorsComeWithSyntaxErrors) {
  EXPECT_THAT(Errors("stack A:\n    ad a 1\n    notify Z\n"),
              ElementsAre(HasSubstr("2:5: unknown card 'ad'"),
                          HasSubstr("3:12: 'notify' names unknown stack 'Z'")));
}

TEST(CheckerTest, NamesMayBeUsedBeforeTheyAreDeclared) {
  const LoadResult result = Load(
      "stack A:\n    read s -> a\n    notify B\nexpect B.b == s\nstack B:\n    await A -> b\n"
      "shared s = 1\n");
  EXPECT_TRUE(result.program.has_value()) << FormatDiagnostics(result.errors);
}

TEST(CheckerTest, StacksAndRegistersMayShareNames) {
  EXPECT_TRUE(Load("stack A:\n    set A 1\n    set B 1\nstack B:\n    set A 2\n").program);
}

TEST(CheckerTest, AcceptsWorkAndSleepBounds) {
  EXPECT_TRUE(
      Load("stack A:\n    work 1\n    work 10000000\n    sleep 1\n    sleep 600000\n").program);
}

}  // namespace
}  // namespace cardflow::testing
