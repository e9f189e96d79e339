// Syntax: one table row per kind of syntax error, then the spellings the
// language accepts (spacing, comments, CRLF, integer and name limits).
#include "common/deck/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "tests/deck/deck_test_util.h"

namespace cardflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SyntaxErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(SyntaxErrorTest, ReportsOneErrorAtTheOffendingToken) { ExpectOneError(GetParam()); }

const std::string kStack = "stack A:\n";

INSTANTIATE_TEST_SUITE_P(
    Deck, SyntaxErrorTest,
    ::testing::Values(
        ErrorCase{"UnknownCard", kStack + "    ad x 1\n", 2, 5, "unknown card 'ad'"},
        ErrorCase{"NotACard", kStack + "    -> x\n", 2, 5, "expected a card, found '->'"},
        ErrorCase{"MissingOperand", kStack + "    add a\n", 2, 10,
                  "'add' needs a value (an integer or a register)"},
        ErrorCase{"MissingAllOperands", kStack + "    set\n", 2, 8, "'set' needs a register"},
        ErrorCase{"IntegerWhereRegister", kStack + "    set 5 1\n", 2, 9,
                  "'set' needs a register, found integer '5'"},
        ErrorCase{"TooManyOperands", kStack + "    add a 1 2\n", 2, 13,
                  "too many operands for 'add': unexpected integer '2' (usage: add REGISTER "
                  "VALUE)"},
        ErrorCase{"ReadWithoutArrow", "shared s\n" + kStack + "    read s a\n", 3, 12,
                  "'read' needs '-> REGISTER', found 'a'"},
        ErrorCase{"ReadArrowAtEnd", "shared s\n" + kStack + "    read s\n", 3, 11,
                  "'read' needs '-> REGISTER'"},
        ErrorCase{"ReadNothingAfterArrow", "shared s\n" + kStack + "    read s ->\n", 3, 14,
                  "'read' needs a register after '->'"},
        ErrorCase{"WriteWithoutArrow", "shared s\n" + kStack + "    write 1 s\n", 3, 13,
                  "'write' needs '-> SHARED', found 's'"},
        ErrorCase{"AwaitExtraOperand", kStack + "    await B x\n", 2, 13,
                  "too many operands for 'await'"},
        ErrorCase{"WorkNeedsLiteral", kStack + "    work n\n", 2, 10,
                  "'work' needs a number of microseconds, found 'n'"},
        ErrorCase{"SleepNeedsLiteral", kStack + "    sleep\n", 2, 10,
                  "'sleep' needs a number of milliseconds"},
        ErrorCase{"DottedRegisterInCard", kStack + "    set a B.b\n", 2, 11,
                  "'set' needs a value (an integer or a register), found 'B.b'"},
        ErrorCase{"MalformedWord", kStack + "    set a 12ab\n", 2, 11, "found '12ab'"},
        ErrorCase{"KeywordAsName", "shared add\n", 1, 8,
                  "'add' is a keyword and cannot be used as a name"},
        ErrorCase{"KeywordAsRegister", kStack + "    set on 1\n", 2, 9, "'on' is a keyword"},
        ErrorCase{"NameTooLong", "shared " + std::string(65, 'x') + "\n", 1, 8,
                  "is longer than 64 characters"},
        ErrorCase{"NameStartsWithDigit", "stack 1A:\n", 1, 7,
                  "'stack' needs a stack name, found '1A'"},
        ErrorCase{"IntegerTooBig", "shared x = 9223372036854775808\n", 1, 12,
                  "integer '9223372036854775808' is outside the signed 64-bit range"},
        ErrorCase{"IntegerTooSmall", "shared x = -9223372036854775809\n", 1, 12,
                  "integer '-9223372036854775809' is outside the signed 64-bit range"},
        ErrorCase{"HugeIntegerLiteral", kStack + "    set a 99999999999999999999\n", 2, 11,
                  "integer '99999999999999999999' is outside the signed 64-bit range"},
        ErrorCase{"SharedNeedsIntegerAfterEquals", "shared x = y\n", 1, 12,
                  "'shared' needs an integer after '=', found 'y'"},
        ErrorCase{"SharedExtraToken", "shared x 5\n", 1, 10,
                  "unexpected integer '5' in 'shared' line (usage: shared NAME [= INTEGER])"},
        ErrorCase{"CardOutsideStack", "shared x\n    set a 1\n", 2, 5, "card outside a stack"},
        ErrorCase{"CardNotIndented", kStack + "set a 1\n", 2, 1,
                  "card 'set' must be indented under a 'stack NAME:' header"},
        ErrorCase{"StatementIndented", kStack + "    set a 1\n  stack B:\n", 3, 3,
                  "'stack' must start in column 1"},
        ErrorCase{"UnknownStatement", "stak A:\n", 1, 1,
                  "expected a top-level statement (shared, stack, expect or outcome), found "
                  "'stak'"},
        ErrorCase{"StackWithoutColon", "stack A on X\n", 1, 13,
                  "'stack' needs ':' at the end of the line"},
        ErrorCase{"StackNodeMissing", "stack A on:\n", 1, 11,
                  "'stack' needs a node name after 'on', found ':'"},
        ErrorCase{"StackCardOnHeaderLine", "stack A: set a 1\n", 1, 10,
                  "unexpected keyword 'set' in 'stack' line"},
        ErrorCase{"ExpectAssignInsteadOfCompare", kStack + "    set a 1\nexpect A.a = 1\n", 3, 12,
                  "'expect' needs a comparison (==, !=, <, <=, >, >=), found '='"},
        ErrorCase{"ExpectLiteralOnLeft", kStack + "    set a 1\nexpect 1 == A.a\n", 3, 8,
                  "'expect' needs a shared variable or STACK.REGISTER, found integer '1'"},
        ErrorCase{"ExpectMissingValue", kStack + "    set a 1\nexpect A.a <=\n", 3, 14,
                  "'expect' needs an integer, a shared variable or STACK.REGISTER"},
        ErrorCase{"OutcomeTrailingComma", kStack + "    set a 1\noutcome A.a,\n", 3, 13,
                  "'outcome' needs a shared variable or STACK.REGISTER"},
        ErrorCase{"TermWithKeyword", kStack + "    set a 1\noutcome A.add\n", 3, 11,
                  "'add' is a keyword"},
        ErrorCase{"BadCharacter", kStack + "    set a 1 $\n", 2, 13, "unexpected character '$'"},
        ErrorCase{"LoneBang", kStack + "    set a 1\nexpect A.a ! 1\n", 3, 12,
                  "unexpected character '!'"},
        ErrorCase{"NonUtf8Byte", kStack + "    set a \xff\n", 2, 11,
                  "unexpected byte 0xFF (only ASCII is allowed outside comments)"},
        ErrorCase{"Utf8OutsideComment", "shared caf\xc3\xa9\n", 1, 11, "unexpected byte 0xC3"},
        ErrorCase{"Latin1InComment", kStack + "    set a 1  # caf\xe9\n", 2, 19,
                  "byte 0xE9 in a comment is not UTF-8 (a deck is UTF-8 text; save it as UTF-8)"},
        ErrorCase{"TruncatedUtf8InComment", "# caf\xc3\n" + kStack + "    set a 1\n", 1, 6,
                  "byte 0xC3 in a comment is not UTF-8"},
        ErrorCase{"OverlongUtf8InComment", "#\xc0\xaf\n" + kStack + "    set a 1\n", 1, 2,
                  "byte 0xC0 in a comment is not UTF-8"},
        ErrorCase{"SurrogateInComment", "#\xed\xa0\x80\n" + kStack + "    set a 1\n", 1, 2,
                  "byte 0xED in a comment is not UTF-8"},
        ErrorCase{"StrayCarriageReturn", kStack + "    set a\r 1\n", 2, 10,
                  "unexpected control byte 0x0D"}),
    CaseName);

TEST(ParserTest, ReportsEveryBadLineInSourceOrder) {
  const std::string deck =
      "shared 1x\n"
      "stack A:\n"
      "    ad a 1\n"
      "    set a 1\n"
      "    read x a\n"
      "expect A.a = 1\n";
  EXPECT_THAT(Errors(deck),
              ElementsAre("1:8: 'shared' needs a variable name, found '1x'",
                          HasSubstr("3:5: unknown card 'ad'"),
                          "5:12: 'read' needs '-> REGISTER', found 'a'",
                          "6:12: 'expect' needs a comparison (==, !=, <, <=, >, >=), found '='"));
}

TEST(ParserTest, ReportsOnlyTheLeftmostProblemOfALine) {
  EXPECT_THAT(Errors(kStack + "    set 1 $ x y\n"),
              ElementsAre("2:9: 'set' needs a register, found integer '1'"));
}

TEST(ParserTest, CardsUnderABrokenHeaderAreStillCards) {
  // The header is wrong, but its cards are not "outside a stack".
  EXPECT_THAT(Errors("stack 1:\n    set a 1\n    ad a\n"),
              ElementsAre(HasSubstr("1:7: 'stack' needs a stack name"),
                          HasSubstr("3:5: unknown card 'ad'")));
}

TEST(ParserTest, AnIndentedStackHeaderStillOpensItsStack) {
  // The cards under `  stack B:` are B's: no follow-on "stack 'A' cannot
  // notify itself" for B's `notify A`.
  EXPECT_THAT(Errors("stack A:\n    await B\n  stack B:\n    notify A 1\n"),
              ElementsAre("3:3: 'stack' must start in column 1 (it is not a card)"));
}

TEST(ParserTest, AcceptsOptionalSpacesAroundPunctuation) {
  const std::string deck =
      "shared balance=5\n"
      "shared other =-3\n"
      "stack A on X :\n"
      "    read balance->a\n"
      "    write a->balance\n"
      "    await B->c\n"
      "stack B on Y:\n"
      "\tnotify A 7\n"
      " \t set b -1\n"
      "expect balance==300\n"
      "expect A.a!=B.b\n"
      "outcome balance,A.a , B.b\n";
  const ParseResult parsed = ParseDeck(deck, kFile);
  ASSERT_TRUE(parsed.errors.empty()) << FormatDiagnostics(parsed.errors);
  ASSERT_EQ(parsed.deck.shared.size(), 2u);
  EXPECT_EQ(parsed.deck.shared[0].initial, 5);
  EXPECT_EQ(parsed.deck.shared[1].initial, -3);
  ASSERT_EQ(parsed.deck.stacks.size(), 2u);
  EXPECT_EQ(parsed.deck.stacks[0].node.text, "X");
  ASSERT_EQ(parsed.deck.stacks[0].cards.size(), 3u);
  EXPECT_EQ(parsed.deck.stacks[0].cards[0].text, "read balance->a");
  EXPECT_EQ(parsed.deck.stacks[0].cards[2].reg.text, "c");
  EXPECT_EQ(parsed.deck.stacks[1].cards[1].value.literal, -1);
  EXPECT_EQ(parsed.deck.stacks[1].cards[1].pos.column, 4);
  ASSERT_EQ(parsed.deck.outcomes.size(), 1u);
  EXPECT_EQ(parsed.deck.outcomes[0].terms.size(), 3u);
  EXPECT_TRUE(Load(deck).program.has_value());
}

TEST(ParserTest, IgnoresCommentsAndBlankLines) {
  const std::string deck =
      "# a deck\n"
      "\n"
      "   \t\n"
      "shared x = 1 # trailing\n"
      "stack A:#header comment\n"
      "    # an indented comment is not a card\n"
      "    set a 1#no space\n"
      "#\n";
  const ParseResult parsed = ParseDeck(deck, kFile);
  ASSERT_TRUE(parsed.errors.empty()) << FormatDiagnostics(parsed.errors);
  ASSERT_EQ(parsed.deck.stacks.size(), 1u);
  ASSERT_EQ(parsed.deck.stacks[0].cards.size(), 1u);
  EXPECT_EQ(parsed.deck.stacks[0].cards[0].text, "set a 1");
  EXPECT_EQ(parsed.deck.stacks[0].cards[0].pos.line, 7);
}

TEST(ParserTest, CrlfParsesLikeLf) {
  std::string crlf;
  for (char c : kTransferDeck) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const LoadResult lf = Load(kTransferDeck);
  const LoadResult with_cr = Load(crlf);
  ASSERT_TRUE(with_cr.program.has_value()) << FormatDiagnostics(with_cr.errors);
  ASSERT_TRUE(lf.program.has_value());
  for (StackId s = 0; s < lf.program->stacks.size(); ++s) {
    for (uint32_t pc = 0; pc < lf.program->Code(s).size(); ++pc) {
      EXPECT_EQ(with_cr.program->CardText(s, pc), lf.program->CardText(s, pc));
    }
  }
  EXPECT_EQ(with_cr.program->Code(1)[0].line, 11);
  // A final line without '\n' may still end in '\r'.
  EXPECT_TRUE(Load("stack A:\r\n    set a 1\r").program.has_value());
}

TEST(ParserTest, SkipsAUtf8ByteOrderMark) {
  const LoadResult result = Load("\xEF\xBB\xBFstack A:\n    set a 1\n");
  EXPECT_TRUE(result.program.has_value()) << FormatDiagnostics(result.errors);
  // Only at the very start: elsewhere it is three non-ASCII bytes.
  EXPECT_THAT(Errors("stack A:\n\xEF\xBB\xBF    set a 1\n"),
              ElementsAre(HasSubstr("2:1: unexpected byte 0xEF")));
}

TEST(ParserTest, AcceptsUtf8InComments) {
  // Two-, three- and four-byte sequences, at the edges of their ranges.
  const LoadResult result = Load(
      "# caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9d\x84\x9e \xed\x9f\xbf \xf4\x8f\xbf\xbf\n"
      "stack A:\n    set a 1  # \xc2\x80\xdf\xbf\xe0\xa0\x80\xf0\x90\x80\x80\n");
  EXPECT_TRUE(result.program.has_value()) << FormatDiagnostics(result.errors);
}

TEST(ParserTest, AcceptsTheInt64Bounds) {
  const ParseResult parsed =
      ParseDeck("shared lo = -9223372036854775808\nshared hi = 9223372036854775807\n", kFile);
  ASSERT_TRUE(parsed.errors.empty()) << FormatDiagnostics(parsed.errors);
  EXPECT_EQ(parsed.deck.shared[0].initial, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(parsed.deck.shared[1].initial, std::numeric_limits<int64_t>::max());
}

TEST(ParserTest, AcceptsNamesOfExactly64Characters) {
  const std::string name(64, 'n');
  const ParseResult parsed = ParseDeck("shared " + name + "\nstack _A9:\n    set _r 1\n", kFile);
  ASSERT_TRUE(parsed.errors.empty()) << FormatDiagnostics(parsed.errors);
  EXPECT_EQ(parsed.deck.shared[0].name.text, name);
}

TEST(ParserTest, KeepsCardOperandsAndPositions) {
  const ParseResult parsed =
      ParseDeck("stack A:\n  notify B\n  notify B r\n  await B\n  work 5\n", kFile);
  ASSERT_TRUE(parsed.errors.empty()) << FormatDiagnostics(parsed.errors);
  const std::vector<Card>& cards = parsed.deck.stacks[0].cards;
  EXPECT_FALSE(cards[0].has_value);
  EXPECT_TRUE(cards[1].has_value);
  EXPECT_TRUE(cards[1].value.is_register);
  EXPECT_EQ(cards[1].value.reg.pos.column, 12);
  EXPECT_FALSE(cards[2].has_reg);
  EXPECT_EQ(cards[3].value.literal, 5);
  EXPECT_EQ(cards[3].pos.line, 5);
  EXPECT_EQ(cards[3].pos.column, 3);
}

}  // namespace
}  // namespace cardflow::testing
