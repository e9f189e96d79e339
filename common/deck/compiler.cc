#include "common/deck/compiler.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cassert>
#include <optional>
#include <string>
#include <utility>

#include "common/deck/symbol_table.h"

namespace cardflow {
namespace {

const char* CompareOpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "==";
    case CompareOp::kNe:
      return "!=";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "?";
}

// A big deck's cards (120 bytes each in the parse tree) are freed stack by
// stack as they are compiled, while the Program's arrays fill: every so
// many stacks the freed pages go back to the system, so that the parse tree
// and the Program do not both count in the peak memory (glibc keeps freed
// small blocks otherwise; malloc_trim(3) returns the whole free pages
// among them).
constexpr StackId kStacksPerTrim = 8192;

void ReturnFreedMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

class Compiler {
 public:
  // With `consumable` (the same deck), each stack's cards are freed once
  // compiled.
  Compiler(const Deck& deck, Deck* consumable)
      : deck_(deck), consumable_(consumable), symbols_(deck) {}

  Program Run() && {
    program_.file = deck_.file;
    program_.source = deck_.source;
    program_.iterations.clear();
    program_.iterations.reserve(deck_.iterations.size());
    for (const Iteration& it : deck_.iterations) {
      program_.iterations.push_back(RepeatIteration{it.line, it.number, it.parent});
    }
    program_.shared.reserve(deck_.shared.size());
    for (const SharedDecl& decl : deck_.shared) {
      program_.shared.push_back(SharedVar{std::string(decl.name.text), decl.initial});
    }
    // Terms resolve through the symbol table, which points into the cards:
    // resolve them while every card is still there.
    if (!deck_.outcomes.empty()) CompileOutcome();
    for (const ExpectDecl& expect : deck_.expects) CompileExpect(expect);
    program_.stacks.reserve(deck_.stacks.size());
    size_t cards = 0;
    size_t registers = 0;
    for (StackId id = 0; id < deck_.stacks.size(); ++id) {
      cards += deck_.stacks[id].cards.size();
      registers += symbols_.Registers(id).size();
    }
    program_.code.reserve(cards);
    program_.card_text.reserve(cards);
    program_.register_names.reserve(registers);
    for (StackId id = 0; id < deck_.stacks.size(); ++id) {
      CompileStack(id);
      if (consumable_ == nullptr) continue;
      std::vector<Card>().swap(consumable_->stacks[id].cards);
      if ((id + 1) % kStacksPerTrim == 0) ReturnFreedMemory();
    }
    if (consumable_ != nullptr) ReturnFreedMemory();
    program_.channels = symbols_.channels();
    if (deck_.outcomes.empty()) CompileOutcome();
    return std::move(program_);
  }

 private:
  void CompileStack(StackId id);
  Instr CompileCard(StackId id, const Card& card) const;
  Operand CompileValue(StackId id, const Value& value) const;
  void CompileOutcome();
  void CompileExpect(const ExpectDecl& expect);
  TermRef Resolve(const Term& term) const { return symbols_.Resolve(term).ref.value_or(TermRef{}); }

  const Deck& deck_;
  Deck* const consumable_;
  SymbolTable symbols_;
  Program program_;
};

void Compiler::CompileStack(StackId id) {
  const StackDecl& decl = deck_.stacks[id];
  StackProgram& stack = program_.stacks.emplace_back();
  stack.name = decl.name.text;
  stack.node_hint = decl.node.text;
  stack.registers_begin = static_cast<uint32_t>(program_.register_names.size());
  stack.registers = static_cast<uint32_t>(symbols_.Registers(id).size());
  for (const Name* reg : symbols_.Registers(id)) program_.register_names.push_back(reg->text);
  stack.code_begin = static_cast<uint32_t>(program_.code.size());
  stack.code_size = static_cast<uint32_t>(decl.cards.size());
  for (const Card& card : decl.cards) {
    program_.code.push_back(CompileCard(id, card));
    // Every card's text is a view into the deck's source (deck.h).
    const size_t offset = static_cast<size_t>(card.text.data() - program_.source->data());
    assert(offset + card.text.size() <= program_.source->size());
    program_.card_text.push_back(
        {static_cast<uint32_t>(offset), static_cast<uint32_t>(card.text.size())});
  }
}

Operand Compiler::CompileValue(StackId id, const Value& value) const {
  Operand operand;
  operand.is_register = value.is_register;
  operand.literal = value.literal;
  if (value.is_register) operand.reg = symbols_.FindRegister(id, value.reg.text).value_or(0);
  return operand;
}

Instr Compiler::CompileCard(StackId id, const Card& card) const {
  Instr instr;
  instr.op = card.op;
  instr.line = card.pos.line;
  instr.column = card.pos.column;
  instr.iteration = card.iteration;
  instr.has_reg = card.has_reg;
  if (card.has_reg) instr.reg = symbols_.FindRegister(id, card.reg.text).value_or(0);
  if (card.has_value) instr.set_value(CompileValue(id, card.value));
  switch (card.op) {
    case Op::kRead:
    case Op::kWrite:
      instr.var = symbols_.FindShared(card.target.text).value_or(0);
      break;
    case Op::kNotify:
    case Op::kAwait: {
      const StackId peer = symbols_.FindStack(card.target.text).value_or(0);
      const bool notify = card.op == Op::kNotify;
      instr.channel = symbols_.FindChannel(notify ? id : peer, notify ? peer : id).value_or(0);
      break;
    }
    default:
      break;
  }
  return instr;
}

void Compiler::CompileOutcome() {
  if (!deck_.outcomes.empty()) {
    for (const Term& term : deck_.outcomes.front().terms) {
      program_.outcome.push_back(Resolve(term));
    }
    return;
  }
  size_t terms = program_.shared.size();
  terms += program_.register_names.size();
  program_.outcome.reserve(terms);
  for (VarId var = 0; var < program_.shared.size(); ++var) {
    program_.outcome.push_back(TermRef{TermRef::Kind::kShared, 0, var, program_.shared[var].name});
  }
  for (StackId id = 0; id < program_.stacks.size(); ++id) {
    const std::string& stack = program_.stacks[id].name;
    const std::span<const std::string_view> names = program_.RegisterNames(id);
    for (RegId reg = 0; reg < names.size(); ++reg) {
      program_.outcome.push_back(
          TermRef{TermRef::Kind::kRegister, id, reg, stack + "." + std::string(names[reg])});
    }
  }
}

void Compiler::CompileExpect(const ExpectDecl& decl) {
  Expectation expect;
  expect.lhs = Resolve(decl.lhs);
  expect.op = decl.op;
  expect.rhs_is_term = decl.rhs_is_term;
  if (decl.rhs_is_term) {
    expect.rhs_term = Resolve(decl.rhs_term);
  } else {
    expect.rhs_literal = decl.rhs_literal;
  }
  expect.text = expect.lhs.label + " " + CompareOpText(decl.op) + " " +
                (decl.rhs_is_term ? expect.rhs_term.label : std::to_string(decl.rhs_literal));
  expect.line = decl.pos.line;
  program_.expects.push_back(std::move(expect));
}

}  // namespace

Program CompileDeck(const Deck& deck) { return Compiler(deck, nullptr).Run(); }

Program CompileDeck(Deck&& deck) { return Compiler(deck, &deck).Run(); }

}  // namespace cardflow
