#include "common/deck/symbol_table.h"

#include "common/deck/lexer.h"

namespace cardflow {

SymbolTable::SymbolTable(const Deck& deck) {
  for (const SharedDecl& decl : deck.shared) {
    shared_.try_emplace(decl.name.text, static_cast<VarId>(&decl - deck.shared.data()));
  }
  stacks_.resize(deck.stacks.size());
  for (StackId id = 0; id < deck.stacks.size(); ++id) {
    stacks_by_name_.try_emplace(deck.stacks[id].name.text, id);
    StackSymbols& symbols = stacks_[id];
    for (const Card& card : deck.stacks[id].cards) {
      ForEachRegister(card, [&](const Name& name) { AddRegister(symbols, name); });
    }
  }
  for (StackId id = 0; id < deck.stacks.size(); ++id) {
    for (const Card& card : deck.stacks[id].cards) {
      if (card.op != Op::kNotify && card.op != Op::kAwait) continue;
      const std::optional<StackId> peer = FindStack(card.target.text);
      if (!peer || *peer == id) continue;
      if (card.op == Op::kNotify) {
        AddChannel(id, *peer);
      } else {
        AddChannel(*peer, id);
      }
    }
  }
}

std::optional<uint32_t> SymbolTable::Find(const Index& index, std::string_view name) {
  const auto it = index.find(name);
  if (it == index.end()) return std::nullopt;
  return it->second;
}

std::optional<VarId> SymbolTable::FindShared(std::string_view name) const {
  return Find(shared_, name);
}

std::optional<StackId> SymbolTable::FindStack(std::string_view name) const {
  return Find(stacks_by_name_, name);
}

std::optional<RegId> SymbolTable::FindRegister(StackId stack, std::string_view name) const {
  return FindIn(stacks_[stack], name);
}

std::optional<RegId> SymbolTable::FindIn(const StackSymbols& symbols, std::string_view name) {
  if (symbols.index) return Find(*symbols.index, name);
  for (RegId reg = 0; reg < symbols.order.size(); ++reg) {
    if (symbols.order[reg]->text == name) return reg;
  }
  return std::nullopt;
}

void SymbolTable::AddRegister(StackSymbols& symbols, const Name& name) {
  if (FindIn(symbols, name.text)) return;
  symbols.order.push_back(&name);
  if (symbols.index) {
    symbols.index->try_emplace(name.text, static_cast<RegId>(symbols.order.size() - 1));
  } else if (symbols.order.size() > kLinearRegisters) {
    symbols.index = std::make_unique<Index>();
    for (RegId reg = 0; reg < symbols.order.size(); ++reg) {
      symbols.index->try_emplace(symbols.order[reg]->text, reg);
    }
  }
}

void SymbolTable::AddChannel(StackId from, StackId to) {
  const auto [it, added] =
      channel_ids_.try_emplace(ChannelKey(from, to), static_cast<ChannelId>(channels_.size()));
  if (added) channels_.push_back(Channel{from, to});
}

std::optional<ChannelId> SymbolTable::FindChannel(StackId from, StackId to) const {
  const auto it = channel_ids_.find(ChannelKey(from, to));
  if (it == channel_ids_.end()) return std::nullopt;
  return it->second;
}

ResolvedTerm SymbolTable::Resolve(const Term& term) const {
  const std::string name(term.name.text);
  if (term.stack.text.empty()) {
    if (std::optional<VarId> var = FindShared(name)) {
      return {TermRef{TermRef::Kind::kShared, 0, *var, name}, {}, {}, {}};
    }
    return {std::nullopt, ResolvedTerm::Problem::kUnknownShared, term.name.pos,
            "unknown shared variable " + Quoted(name) +
                " (declare it with 'shared', or write a register as STACK.REGISTER)"};
  }
  const std::string stack_name(term.stack.text);
  const std::optional<StackId> stack = FindStack(stack_name);
  if (!stack) {
    return {std::nullopt, ResolvedTerm::Problem::kUnknownStack, term.stack.pos,
            "unknown stack " + Quoted(stack_name) + " in " + Quoted(stack_name + "." + name)};
  }
  const std::optional<RegId> reg = FindRegister(*stack, name);
  if (!reg) {
    return {std::nullopt, ResolvedTerm::Problem::kUnknownRegister, term.name.pos,
            "stack " + Quoted(stack_name) + " has no register " + Quoted(name) + " (no card of " +
                stack_name + " uses it)"};
  }
  return {TermRef{TermRef::Kind::kRegister, *stack, *reg, stack_name + "." + name}, {}, {}, {}};
}

}  // namespace cardflow
