// CompileDeck: names become indices exactly as program.h promises.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/deck/deck_test_util.h"

namespace cardflow::testing {
namespace {

using ::testing::ElementsAre;

Program Compile(std::string_view text) {
  LoadResult result = Load(text);
  EXPECT_TRUE(result.program.has_value()) << FormatDiagnostics(result.errors);
  return result.program ? std::move(*result.program) : Program{};
}

std::vector<std::string> Labels(const std::vector<TermRef>& terms) {
  std::vector<std::string> labels;
  for (const TermRef& term : terms) labels.push_back(term.label);
  return labels;
}

TEST(CompilerTest, CompilesTheTransferExample) {
  const Program program = Compile(kTransferDeck);
  EXPECT_EQ(program.file, "t.deck");
  ASSERT_EQ(program.shared.size(), 1u);
  EXPECT_EQ(program.shared[0].name, "balance");
  EXPECT_EQ(program.shared[0].initial, 100);

  ASSERT_EQ(program.stacks.size(), 2u);
  const StackProgram& a = program.stacks[0];
  const StackProgram& b = program.stacks[1];
  EXPECT_EQ(a.name, "A");
  EXPECT_EQ(a.node_hint, "X");
  EXPECT_EQ(b.node_hint, "Y");
  EXPECT_THAT(program.RegisterNames(0), ElementsAre("a"));
  EXPECT_THAT(program.RegisterNames(1), ElementsAre("b"));
  std::vector<std::string_view> texts;
  for (StackId s = 0; s < program.stacks.size(); ++s) {
    for (uint32_t pc = 0; pc < program.Code(s).size(); ++pc)
      texts.push_back(program.CardText(s, pc));
  }
  EXPECT_THAT(texts, ElementsAre("read balance -> a", "add a 50", "write a -> balance", "notify B",
                                 "await A", "read balance -> b", "mul b 2", "write b -> balance"));
  EXPECT_EQ(program.CardText(1, 0), "await A");
  EXPECT_EQ(program.CardText(1, 4), "");  // past the last card
  EXPECT_EQ(a.code_begin, 0u);
  EXPECT_EQ(b.code_begin, 4u);
  const std::span<const Instr> a_code = program.Code(0);
  const std::span<const Instr> b_code = program.Code(1);

  ASSERT_EQ(a_code.size(), 4u);
  EXPECT_EQ(a_code[0].op, Op::kRead);
  EXPECT_TRUE(a_code[0].has_reg);
  EXPECT_EQ(a_code[0].var, 0u);
  EXPECT_EQ(a_code[0].line, 5);
  EXPECT_EQ(a_code[0].column, 5);
  EXPECT_EQ(a_code[1].op, Op::kAdd);
  EXPECT_FALSE(a_code[1].value().is_register);
  EXPECT_EQ(a_code[1].value().literal, 50);
  EXPECT_EQ(a_code[2].op, Op::kWrite);
  EXPECT_TRUE(a_code[2].value().is_register);
  EXPECT_EQ(a_code[2].value().reg, 0u);
  EXPECT_EQ(a_code[3].op, Op::kNotify);
  EXPECT_EQ(program.Peer(a_code[3]), 1u);
  EXPECT_EQ(a_code[3].channel, 0u);
  EXPECT_EQ(a_code[3].value().literal, 0);  // `notify B` sends 0

  EXPECT_EQ(b_code[0].op, Op::kAwait);
  EXPECT_FALSE(b_code[0].has_reg);
  EXPECT_EQ(program.Peer(b_code[0]), 0u);
  EXPECT_EQ(b_code[0].channel, 0u);
  EXPECT_EQ(b_code[0].line, 11);

  ASSERT_EQ(program.channels.size(), 1u);
  EXPECT_EQ(program.channels[0].from, 0u);
  EXPECT_EQ(program.channels[0].to, 1u);

  EXPECT_THAT(Labels(program.outcome), ElementsAre("balance", "A.a", "B.b"));
  EXPECT_EQ(program.outcome[0].kind, TermRef::Kind::kShared);
  EXPECT_EQ(program.outcome[2].kind, TermRef::Kind::kRegister);
  EXPECT_EQ(program.outcome[2].stack, 1u);
  EXPECT_EQ(program.outcome[2].index, 0u);

  ASSERT_EQ(program.expects.size(), 1u);
  EXPECT_EQ(program.expects[0].text, "balance == 300");
  EXPECT_EQ(program.expects[0].op, CompareOp::kEq);
  EXPECT_FALSE(program.expects[0].rhs_is_term);
  EXPECT_EQ(program.expects[0].rhs_literal, 300);
  EXPECT_EQ(program.expects[0].line, 16);
}

TEST(CompilerTest, NumbersRegistersByFirstAppearance) {
  const Program program = Compile(
      "shared s\nstack A:\n    set b 1\n    add a b\n    read s -> c\n    write d -> s\n"
      "    print e\n    await B -> f\n    mul a g\nstack B:\n    notify A h\n");
  EXPECT_THAT(program.RegisterNames(0), ElementsAre("b", "a", "c", "d", "e", "f", "g"));
  const std::span<const Instr> code = program.Code(0);
  EXPECT_EQ(code[1].reg, 1u);
  EXPECT_EQ(code[1].value().reg, 0u);
  EXPECT_EQ(code[5].reg, 5u);
  EXPECT_TRUE(code[5].has_reg);
  EXPECT_FALSE(code[3].has_reg);  // write has no destination register
  EXPECT_THAT(program.RegisterNames(1), ElementsAre("h"));
  EXPECT_THAT(Labels(program.outcome),
              ElementsAre("s", "A.b", "A.a", "A.c", "A.d", "A.e", "A.f", "A.g", "B.h"));
}

TEST(CompilerTest, MakesOneChannelPerPairInOrderOfFirstMention) {
  const Program program = Compile(
      "stack A:\n  notify B\n  await C\n  notify B 2\nstack B:\n  await A\n  await A\n"
      "  notify C\nstack C:\n  notify A\n  await B\n");
  ASSERT_EQ(program.channels.size(), 3u);
  EXPECT_EQ(program.channels[0].from, 0u);  // A -> B
  EXPECT_EQ(program.channels[0].to, 1u);
  EXPECT_EQ(program.channels[1].from, 2u);  // C -> A
  EXPECT_EQ(program.channels[1].to, 0u);
  EXPECT_EQ(program.channels[2].from, 1u);  // B -> C
  EXPECT_EQ(program.channels[2].to, 2u);
  EXPECT_EQ(program.Code(0)[1].channel, 1u);
  EXPECT_EQ(program.Code(0)[2].channel, 0u);
  EXPECT_EQ(program.Code(1)[1].channel, 0u);
  EXPECT_EQ(program.Code(2)[0].channel, 1u);
  EXPECT_EQ(program.Code(2)[1].channel, 2u);
}

TEST(CompilerTest, UsesAnExplicitOutcomeAndTermExpectations) {
  const Program program = Compile(
      "shared s = -5\nstack A:\n  set a 1\nstack B:\n  set b 2\n"
      "outcome B.b,s\nexpect A.a<=B.b\nexpect s >= -9223372036854775808\n");
  EXPECT_THAT(Labels(program.outcome), ElementsAre("B.b", "s"));
  ASSERT_EQ(program.expects.size(), 2u);
  EXPECT_EQ(program.expects[0].text, "A.a <= B.b");
  EXPECT_TRUE(program.expects[0].rhs_is_term);
  EXPECT_EQ(program.expects[0].rhs_term.stack, 1u);
  EXPECT_EQ(program.expects[0].op, CompareOp::kLe);
  EXPECT_EQ(program.expects[1].text, "s >= -9223372036854775808");
}

TEST(CompilerTest, KeepsWorkAndSleepAmounts) {
  const Program program = Compile("stack A:\n  work 250\n  sleep 3\n");
  EXPECT_EQ(program.Code(0)[0].op, Op::kWork);
  EXPECT_EQ(program.Code(0)[0].value().literal, 250);
  EXPECT_EQ(program.Code(0)[1].op, Op::kSleep);
  EXPECT_EQ(program.Code(0)[1].value().literal, 3);
  EXPECT_EQ(program.stacks[0].registers, 0u);
}

}  // namespace
}  // namespace cardflow::testing
