#include "common/report/outcome.h"

#include <fmt/format.h>

namespace cardflow {

namespace {

bool Compare(int64_t lhs, CompareOp op, int64_t rhs) {
  switch (op) {
    case CompareOp::kEq:
      return lhs == rhs;
    case CompareOp::kNe:
      return lhs != rhs;
    case CompareOp::kLt:
      return lhs < rhs;
    case CompareOp::kLe:
      return lhs <= rhs;
    case CompareOp::kGt:
      return lhs > rhs;
    case CompareOp::kGe:
      return lhs >= rhs;
  }
  return false;
}

}  // namespace

int64_t TermValue(const TermRef& term, const FinalState& state) {
  if (term.kind == TermRef::Kind::kShared) {
    return term.index < state.shared.size() ? state.shared[term.index] : 0;
  }
  if (term.stack >= state.registers.size()) return 0;
  const std::vector<int64_t>& regs = state.registers[term.stack];
  return term.index < regs.size() ? regs[term.index] : 0;
}

std::vector<int64_t> OutcomeValues(const Program& program, const FinalState& state) {
  std::vector<int64_t> values;
  values.reserve(program.outcome.size());
  for (const TermRef& term : program.outcome) values.push_back(TermValue(term, state));
  return values;
}

bool ExpectationsHold(const Program& program, const FinalState& state) {
  for (const Expectation& e : program.expects) {
    const int64_t lhs = TermValue(e.lhs, state);
    const int64_t rhs = e.rhs_is_term ? TermValue(e.rhs_term, state) : e.rhs_literal;
    if (!Compare(lhs, e.op, rhs)) return false;
  }
  return true;
}

}  // namespace cardflow

namespace cardflow {

std::string RunErrorMessage(const Program& program, StackId stack, uint32_t pc,
                            std::string_view what) {
  return fmt::format("stack {}, card {} `{}` ({}): {}", program.stacks[stack].name, pc + 1,
                     program.CardText(stack, pc), CardPlace(program, stack, pc), what);
}

std::string DeadlockMessage(const Program& program, StackId stack, uint32_t pc) {
  return fmt::format("deadlock: stack {} waits forever at card {} `{}` ({})",
                     program.stacks[stack].name, pc + 1, program.CardText(stack, pc),
                     CardPlace(program, stack, pc));
}

}  // namespace cardflow
