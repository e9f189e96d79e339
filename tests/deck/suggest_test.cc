// "Did you mean", the expect arithmetic hint, and name errors reported
// together with syntax errors: each with its exact message.
#include "base/suggest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/deck/deck_test_util.h"

namespace cardflow::testing {
namespace {

using ::testing::ElementsAre;

const std::string kBank =
    "shared balance = 100\n"       // 1
    "stack Alice:\n"               // 2
    "    read balance -> total\n"  // 3
    "stack Bob:\n"                 // 4
    "    set b 1\n";               // 5

struct MessageCase {
  const char* name;
  std::string text;
  const char* error;  // exactly, as "LINE:COL: MESSAGE"
};
void PrintTo(const MessageCase& c, std::ostream* os) { *os << c.name; }
std::string MessageCaseName(const ::testing::TestParamInfo<MessageCase>& info) {
  return info.param.name;
}

class MessageTest : public ::testing::TestWithParam<MessageCase> {};

TEST_P(MessageTest, SaysExactly) {
  EXPECT_THAT(Errors(GetParam().text), ElementsAre(GetParam().error));
}

INSTANTIATE_TEST_SUITE_P(
    Deck, MessageTest,
    ::testing::Values(
        MessageCase{"ReadMisspelledShared", kBank + "    read balanse -> b\n",
                    "6:10: unknown shared variable 'balanse'; did you mean 'balance'?"},
        MessageCase{"WriteMisspelledShared", kBank + "    write b -> Balance\n",
                    "6:16: unknown shared variable 'Balance'; did you mean 'balance'?"},
        MessageCase{"NothingCloseSuggestsADeclaration", kBank + "    read total -> b\n",
                    "6:10: unknown shared variable 'total' (declare it with 'shared total')"},
        MessageCase{"NotifyMisspelledStack", kBank + "    notify Alise\n",
                    "6:12: 'notify' names unknown stack 'Alise'; did you mean 'Alice'?"},
        MessageCase{"AwaitMisspelledStack", kBank + "    await alice\n",
                    "6:11: 'await' names unknown stack 'alice'; did you mean 'Alice'?"},
        MessageCase{"ShortNamesAreNotGuessed", kBank + "    notify Al\n",
                    "6:12: 'notify' names unknown stack 'Al'"},
        MessageCase{"ExpectMisspelledShared", kBank + "expect balanse == 1\n",
                    "6:8: unknown shared variable 'balanse'; did you mean 'balance'?"},
        MessageCase{"ExpectRegisterWithoutItsStack", kBank + "expect total == 1\n",
                    "6:8: unknown shared variable 'total'; did you mean 'Alice.total'?"},
        MessageCase{"ExpectNothingClose", kBank + "expect zzz == 1\n",
                    "6:8: unknown shared variable 'zzz' (declare it with 'shared', or write a "
                    "register as STACK.REGISTER)"},
        MessageCase{"ExpectMisspelledStack", kBank + "expect Alise.total == 1\n",
                    "6:8: unknown stack 'Alise' in 'Alise.total'; did you mean 'Alice.total'?"},
        MessageCase{"OutcomeMisspelledRegister", kBank + "outcome balance, Alice.totl\n",
                    "6:24: stack 'Alice' has no register 'totl'; did you mean 'Alice.total'?"},
        MessageCase{"OutcomeRegisterNothingClose", kBank + "outcome Bob.zzz\n",
                    "6:13: stack 'Bob' has no register 'zzz' (no card of Bob uses it)"},
        MessageCase{"MisspelledCard", kBank + "    ad b 1\n",
                    "6:5: unknown card 'ad'; did you mean 'add'?"},
        MessageCase{"SwappedLettersInACard", kBank + "    wirte b -> balance\n",
                    "6:5: unknown card 'wirte'; did you mean 'write'?"},
        MessageCase{"MisspelledRepeat", kBank + "    repaet 3:\n",
                    "6:5: unknown card 'repaet'; did you mean 'repeat'?"},
        MessageCase{"MisspelledStatement", kBank + "shraed x\n",
                    "6:1: expected a top-level statement (shared, stack, expect or outcome), "
                    "found 'shraed'; did you mean 'shared'?"},
        MessageCase{"ExpectWithArithmetic", kBank + "expect balance + 50 == 150\n",
                    "6:16: an expect cannot compute (found '+'): it compares a shared variable "
                    "or STACK.REGISTER with an integer, a shared variable or STACK.REGISTER (==, "
                    "!=, <, <=, >, >=); compute the value into a register with a card and "
                    "compare that"},
        MessageCase{"ExpectWithArithmeticOnTheRight", kBank + "expect balance == Alice.total * 2\n",
                    "6:31: an expect cannot compute (found '*'): it compares a shared variable "
                    "or STACK.REGISTER with an integer, a shared variable or STACK.REGISTER (==, "
                    "!=, <, <=, >, >=); compute the value into a register with a card and "
                    "compare that"},
        MessageCase{"NameOnABrokenLineIsNotReportedAgain",
                    "shared balance = x\nstack A:\n    read balance -> a\n",
                    "1:18: 'shared' needs an integer after '=', found 'x'"},
        MessageCase{"RegisterOnABrokenLineIsNotReportedAgain",
                    "stack A:\n    set q\nexpect A.q == 1\n",
                    "2:10: 'set' needs a value (an integer or a register)"},
        MessageCase{"NoStacksIsNotAnEchoOfABrokenLine", "shared x = y\n",
                    "1:12: 'shared' needs an integer after '=', found 'y'"}),
    MessageCaseName);

TEST(SuggestTest, NameErrorsComeWithTheSyntaxErrorsOfOtherLines) {
  EXPECT_THAT(Errors("shared balance\n"
                     "stack A:\n"
                     "    ad a 1\n"
                     "    read balanse -> a\n"
                     "    notify Z\n"
                     "expect A.a = 1\n"),
              ElementsAre("3:5: unknown card 'ad'; did you mean 'add'?",
                          "4:10: unknown shared variable 'balanse'; did you mean 'balance'?",
                          "5:12: 'notify' names unknown stack 'Z'",
                          "6:12: 'expect' needs a comparison (==, !=, <, <=, >, >=), found '='"));
}

TEST(SuggestTest, BrokenStackHeadersAreNotDuplicates) {
  EXPECT_THAT(Errors("stack 1:\n    set a 1\nstack 2:\n    set a 1\n"),
              ElementsAre("1:7: 'stack' needs a stack name, found integer '1'",
                          "3:7: 'stack' needs a stack name, found integer '2'"));
}

TEST(SuggestTest, ClosestPrefersFewerEditsThenTheFirstOffered) {
  Closest closest("balanse", UserNameEdits("balanse"));
  EXPECT_FALSE(closest.Offer("totally_different"));
  EXPECT_TRUE(closest.Offer("balancer"));  // two edits
  EXPECT_TRUE(closest.Offer("balance"));   // one edit
  EXPECT_FALSE(closest.Offer("balanze"));  // also one, offered later
  EXPECT_EQ(closest.DidYouMean(), "; did you mean 'balance'?");
  Closest none("ab", UserNameEdits("ab"));
  none.Offer("ac");
  EXPECT_EQ(none.DidYouMean(), "");
  Closest case_only("ab", UserNameEdits("ab"));
  case_only.Offer("AB");
  EXPECT_EQ(case_only.DidYouMean(), "; did you mean 'AB'?");
}

}  // namespace
}  // namespace cardflow::testing
