#include "common/report/outcome.h"

#include <gtest/gtest.h>

namespace cardflow {
namespace {

TermRef Shared(uint32_t var, std::string label) {
  return TermRef{TermRef::Kind::kShared, 0, var, std::move(label)};
}
TermRef Register(StackId stack, RegId reg, std::string label) {
  return TermRef{TermRef::Kind::kRegister, stack, reg, std::move(label)};
}

Expectation Expect(TermRef lhs, CompareOp op, int64_t rhs) {
  Expectation e;
  e.lhs = std::move(lhs);
  e.op = op;
  e.rhs_literal = rhs;
  return e;
}

// transfer.deck's shape: shared balance; A.a; B.b.
Program Transfer() {
  Program p;
  p.file = "transfer.deck";
  p.shared = {{"balance", 100}};
  p.stacks.resize(2);
  p.stacks[0].name = "A";
  p.stacks[0].registers = 1;
  p.stacks[1].name = "B";
  p.stacks[1].registers_begin = 1;
  p.stacks[1].registers = 1;
  p.register_names = {"a", "b"};
  p.outcome = {Shared(0, "balance"), Register(0, 0, "A.a"), Register(1, 0, "B.b")};
  p.expects = {Expect(Shared(0, "balance"), CompareOp::kEq, 300)};
  return p;
}

TEST(OutcomeTest, ValuesFollowTheOutcomeTerms) {
  const FinalState state{{250}, {{150}, {250}}};
  EXPECT_EQ(OutcomeValues(Transfer(), state), (std::vector<int64_t>{250, 150, 250}));
}

TEST(OutcomeTest, TermValueReadsSharedAndRegisters) {
  const FinalState state{{7, 8}, {{1, 2}, {3}}};
  EXPECT_EQ(TermValue(Shared(1, "y"), state), 8);
  EXPECT_EQ(TermValue(Register(0, 1, "A.q"), state), 2);
  EXPECT_EQ(TermValue(Register(1, 0, "B.r"), state), 3);
}

TEST(OutcomeTest, ExpectationsHoldOnlyWhenAllDo) {
  Program p = Transfer();
  EXPECT_TRUE(ExpectationsHold(p, FinalState{{300}, {{150}, {300}}}));
  EXPECT_FALSE(ExpectationsHold(p, FinalState{{200}, {{150}, {200}}}));
  p.expects.push_back(Expect(Register(0, 0, "A.a"), CompareOp::kLt, 150));
  EXPECT_FALSE(ExpectationsHold(p, FinalState{{300}, {{150}, {300}}}));
}

TEST(OutcomeTest, NoExpectLinesHoldVacuously) {
  Program p = Transfer();
  p.expects.clear();
  EXPECT_TRUE(ExpectationsHold(p, FinalState{{0}, {{0}, {0}}}));
}

struct CompareCase {
  CompareOp op;
  int64_t lhs;
  int64_t rhs;
  bool holds;
};

class CompareOpTest : public testing::TestWithParam<CompareCase> {};

TEST_P(CompareOpTest, ComparesLikeTheSpec) {
  const CompareCase& c = GetParam();
  Program p = Transfer();
  p.expects = {Expect(Shared(0, "balance"), c.op, c.rhs)};
  EXPECT_EQ(ExpectationsHold(p, FinalState{{c.lhs}, {{0}, {0}}}), c.holds);
}

INSTANTIATE_TEST_SUITE_P(
    AllOps, CompareOpTest,
    testing::Values(
        CompareCase{CompareOp::kEq, 3, 3, true}, CompareCase{CompareOp::kEq, 3, 4, false},
        CompareCase{CompareOp::kNe, 3, 4, true}, CompareCase{CompareOp::kNe, 3, 3, false},
        CompareCase{CompareOp::kLt, -1, 0, true}, CompareCase{CompareOp::kLt, 0, 0, false},
        CompareCase{CompareOp::kLe, 0, 0, true}, CompareCase{CompareOp::kLe, 1, 0, false},
        CompareCase{CompareOp::kGt, 1, 0, true}, CompareCase{CompareOp::kGt, 0, 0, false},
        CompareCase{CompareOp::kGe, 0, 0, true}, CompareCase{CompareOp::kGe, -1, 0, false}));

TEST(OutcomeTest, RightHandTermComparesTwoTerms) {
  Program p = Transfer();
  Expectation e = Expect(Shared(0, "balance"), CompareOp::kEq, 0);
  e.rhs_is_term = true;
  e.rhs_term = Register(1, 0, "B.b");
  p.expects = {e};
  EXPECT_TRUE(ExpectationsHold(p, FinalState{{300}, {{150}, {300}}}));
  EXPECT_FALSE(ExpectationsHold(p, FinalState{{300}, {{150}, {200}}}));
}

}  // namespace
}  // namespace cardflow
