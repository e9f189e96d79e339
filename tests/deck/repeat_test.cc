// `repeat N:` blocks: unrolled before checking, so the Program is the one
// the hand-unrolled deck gives, and errors name the line and the iteration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/deck/diagnostic_sink.h"
#include "common/deck/parser.h"
#include "common/deck/unroll.h"
#include "tests/deck/deck_test_util.h"

namespace cardflow::testing {
namespace {

using ::testing::ElementsAre;

// Everything of a Program but source positions, which differ between a
// repeat and its hand-unrolled copy.
std::string Shape(const Program& program) {
  std::string out;
  for (const SharedVar& var : program.shared) out += "shared " + var.name + "\n";
  for (StackId s = 0; s < program.stacks.size(); ++s) {
    const StackProgram& stack = program.stacks[s];
    out += "stack " + stack.name + " on " + std::string(stack.node_hint) + " regs";
    for (std::string_view reg : program.RegisterNames(s)) out += " " + std::string(reg);
    out += "\n";
    for (uint32_t i = 0; i < stack.code_size; ++i) {
      const Instr& in = program.Code(s)[i];
      const bool callback = in.op == Op::kNotify || in.op == Op::kAwait;
      out += "  " + std::string(program.CardText(s, i)) + " | " +
             std::to_string(static_cast<int>(in.op)) + " " + std::to_string(in.has_reg) + " " +
             std::to_string(in.reg) + " " + std::to_string(in.value().is_register) + " " +
             std::to_string(in.value().literal) + " " + std::to_string(in.value().reg) + " " +
             std::to_string(in.var) + " " + std::to_string(callback ? program.Peer(in) : 0) + " " +
             std::to_string(in.channel) + "\n";
    }
  }
  for (const Channel& c : program.channels) {
    out += "channel " + std::to_string(c.from) + ">" + std::to_string(c.to) + "\n";
  }
  for (const TermRef& term : program.outcome) out += "outcome " + term.label + "\n";
  for (const Expectation& e : program.expects) out += "expect " + e.text + "\n";
  return out;
}

Program MustCompile(std::string_view text) {
  LoadResult result = Load(text);
  EXPECT_TRUE(result.program.has_value()) << FormatDiagnostics(result.errors);
  return result.program ? std::move(*result.program) : Program{};
}

constexpr std::string_view kRepeated =
    "shared n\n"
    "stack Ping:\n"
    "    set i 0\n"
    "    repeat 2:\n"
    "        notify Pong i\n"
    "        repeat 2:   # nested\n"
    "            add i 1\n"
    "        await Pong -> j\n"
    "    write i -> n\n"
    "stack Pong:\n"
    "    repeat 2:\n"
    "        await Ping -> k\n"
    "        notify Ping k\n"
    "expect n == 4\n";

constexpr std::string_view kHandUnrolled =
    "shared n\n"
    "stack Ping:\n"
    "    set i 0\n"
    "        notify Pong i\n"
    "            add i 1\n"
    "            add i 1\n"
    "        await Pong -> j\n"
    "        notify Pong i\n"
    "            add i 1\n"
    "            add i 1\n"
    "        await Pong -> j\n"
    "    write i -> n\n"
    "stack Pong:\n"
    "        await Ping -> k\n"
    "        notify Ping k\n"
    "        await Ping -> k\n"
    "        notify Ping k\n"
    "expect n == 4\n";

TEST(RepeatTest, GivesTheProgramOfTheHandUnrolledDeck) {
  const Program repeated = MustCompile(kRepeated);
  const Program unrolled = MustCompile(kHandUnrolled);
  EXPECT_EQ(Shape(repeated), Shape(unrolled));
  ASSERT_EQ(repeated.stacks.size(), 2u);
  EXPECT_EQ(repeated.Code(0).size(), 10u);
  // Source positions point at the card in the repeat's body.
  EXPECT_EQ(repeated.Code(0)[5].line, 5);
  EXPECT_EQ(repeated.Code(0)[6].line, 7);
}

TEST(RepeatTest, NumbersIterationsOuterFirst) {
  ParseResult parsed = ParseDeck(kRepeated, kFile);
  ASSERT_TRUE(parsed.errors.empty()) << FormatDiagnostics(parsed.errors);
  DiagnosticSink sink(kFile);
  UnrollDeck(parsed.deck, sink);
  ASSERT_TRUE(sink.empty());
  std::vector<std::string> where;
  for (const Card& card : parsed.deck.stacks[0].cards) where.push_back(Where(parsed.deck, card));
  EXPECT_THAT(where, ElementsAre("line 3", "line 5, iteration 1", "line 7, iteration 1.1",
                                 "line 7, iteration 1.2", "line 8, iteration 1",
                                 "line 5, iteration 2", "line 7, iteration 2.1",
                                 "line 7, iteration 2.2", "line 8, iteration 2", "line 9"));
}

TEST(RepeatTest, EndsWhereTheIndentationReturns) {
  const Program program = MustCompile(
      "stack A:\n"
      "  repeat 3:\n"
      "    add a 1\n"
      "\n"
      "    # a comment does not end the block\n"
      "    add b 1\n"
      "  add c 1\n"
      "\trepeat 2:\n"
      "\t\tadd d 1\n"
      "stack B:\n"
      "    set e 1\n");
  std::vector<std::string> cards;
  for (uint32_t pc = 0; pc < program.stacks[0].code_size; ++pc) {
    cards.emplace_back(program.CardText(0, pc));
  }
  EXPECT_THAT(cards, ElementsAre("add a 1", "add b 1", "add a 1", "add b 1", "add a 1", "add b 1",
                                 "add c 1", "add d 1", "add d 1"));
  EXPECT_EQ(program.Code(1).size(), 1u);
}

TEST(RepeatTest, ReportsAnAwaitWithTooFewNotifiesWithItsIteration) {
  EXPECT_THAT(Errors("stack Ping:\n"
                     "    repeat 3:\n"
                     "        notify Pong\n"
                     "stack Pong:\n"
                     "    repeat 4:\n"
                     "        await Ping\n"),
              ElementsAre("6:9: in iteration 4: Pong awaits Ping 4 times but Ping notifies Pong "
                          "3 times (line 3, 3 times)"));
}

TEST(RepeatTest, ReportsADeadlockWithTheIterationsInvolved) {
  EXPECT_THAT(Errors("stack A:\n"
                     "    repeat 2:\n"
                     "        notify B\n"
                     "        await B\n"
                     "stack B:\n"
                     "    await A\n"
                     "    await A\n"
                     "    notify A\n"
                     "    notify A\n"),
              ElementsAre("4:9: in iteration 1: deadlock: A waits at line 4, iteration 1 for B's "
                          "notify at line 8, and B waits at line 7 for A's notify at line 3, "
                          "iteration 2; each waits before it notifies, so none can go on"));
  // In none mode nothing waits, and the deck loads.
  EXPECT_TRUE(Load("stack A:\n  repeat 2:\n    notify B\n    await B\nstack B:\n  await A\n"
                   "  await A\n  notify A\n  notify A\n",
                   Ordering::kNone)
                  .program);
}

TEST(RepeatTest, ReportsAMistakeInARepeatedCardOnce) {
  EXPECT_THAT(Errors("shared balance\n"
                     "stack A:\n"
                     "    repeat 100:\n"
                     "        read balanse -> a\n"
                     "        work 0\n"),
              ElementsAre("4:14: unknown shared variable 'balanse'; did you mean 'balance'?",
                          "5:14: 'work' takes 1 to 10000000 microseconds, not 0"));
}

class RepeatErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(RepeatErrorTest, ReportsOneError) { ExpectOneError(GetParam()); }

INSTANTIATE_TEST_SUITE_P(
    Deck, RepeatErrorTest,
    ::testing::Values(
        ErrorCase{"Zero", "stack A:\n    repeat 0:\n        set a 1\n", 2, 12,
                  "'repeat' takes 1 to 10000 iterations, not 0"},
        ErrorCase{"TooMany", "stack A:\n    repeat 10001:\n        set a 1\n", 2, 12,
                  "'repeat' takes 1 to 10000 iterations, not 10001"},
        ErrorCase{"NoCount", "stack A:\n    repeat:\n        set a 1\n", 2, 11,
                  "'repeat' needs a number of times to repeat, found ':'"},
        ErrorCase{"NoColon", "stack A:\n    repeat 2\n        set a 1\n", 2, 13,
                  "'repeat' needs ':' at the end of the line"},
        ErrorCase{"NoBody", "stack A:\n    repeat 2:\n    set a 1\n", 2, 5,
                  "'repeat' has no lines under it; indent the lines to repeat deeper than the "
                  "'repeat' line"},
        ErrorCase{"NoBodyAtTheEnd", "stack A:\n    set a 1\n    repeat 2:\n", 3, 5,
                  "'repeat' has no lines under it"},
        ErrorCase{"AtTopLevel", "stack A:\n    set a 1\nrepeat 2:\n    set a 1\n", 3, 1,
                  "'repeat' must be indented under a 'stack NAME:' header"},
        ErrorCase{"MixedIndentation", "stack A:\n    repeat 2:\n\tset a 1\n", 3, 1,
                  "this line's indentation mixes tabs and spaces differently from the 'repeat' "
                  "at line 2"},
        ErrorCase{"RepeatIsAKeyword", "shared repeat\nstack A:\n    set a 1\n", 1, 8,
                  "'repeat' is a keyword"},
        ErrorCase{"MoreThanAMillionCards",
                  "stack A:\n    repeat 10000:\n        repeat 100:\n            set a 1\n"
                  "        set b 1\n",
                  1, 7,
                  "stack 'A' has more than 1000000 cards once its repeats are unrolled; repeat "
                  "fewer times"},
        ErrorCase{"NestingOverflowsNothing",
                  "stack A:\n  repeat 10000:\n   repeat 10000:\n    repeat 10000:\n     repeat "
                  "10000:\n      repeat 10000:\n       set a 1\n",
                  1, 7, "has more than 1000000 cards"}),
    CaseName);

TEST(RepeatTest, AStackMayHoldExactlyAMillionCards) {
  const LoadResult result = Load(
      "stack A:\n    repeat 10000:\n        repeat 100:\n"
      "            set a 1\n");
  ASSERT_TRUE(result.program.has_value()) << FormatDiagnostics(result.errors);
  EXPECT_EQ(result.program->Code(0).size(), kMaxUnrolledCards);
}

}  // namespace
}  // namespace cardflow::testing
