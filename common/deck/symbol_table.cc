#include "common/deck/symbol_table.h"

#include "common/deck/lexer.h"

namespace cardflow {

SymbolTable::SymbolTable(const Deck& deck) : stacks_(deck.stacks) {
  for (const SharedDecl& decl : deck.shared) {
    shared_.try_emplace(decl.name.text, static_cast<VarId>(&decl - deck.shared.data()));
  }
  const auto stack_hash = [this](uint32_t id) { return NameHash(stacks_[id].name.text); };
  stacks_by_name_.Reserve(deck.stacks.size());
  register_begin_.reserve(deck.stacks.size() + 1);
  register_begin_.push_back(0);
  for (StackId id = 0; id < deck.stacks.size(); ++id) {
    const std::string_view name = deck.stacks[id].name.text;
    if (!FindStack(name)) stacks_by_name_.Add(id, NameHash(name), stack_hash);
    for (const Card& card : deck.stacks[id].cards) {
      ForEachRegister(card, [&](const Name& reg) { AddRegister(id, reg); });
    }
    register_begin_.push_back(static_cast<uint32_t>(registers_.size()));
  }
  registers_.shrink_to_fit();
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
  channels_.shrink_to_fit();
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
  return stacks_by_name_.Find(NameHash(name),
                              [&](uint32_t id) { return stacks_[id].name.text == name; });
}

std::optional<RegId> SymbolTable::FindRegister(StackId stack, std::string_view name) const {
  if (!register_indexes_.empty()) {
    if (const auto it = register_indexes_.find(stack); it != register_indexes_.end()) {
      return Find(it->second, name);
    }
  }
  const std::span<const Name* const> registers = Registers(stack);
  for (RegId reg = 0; reg < registers.size(); ++reg) {
    if (registers[reg]->text == name) return reg;
  }
  return std::nullopt;
}

void SymbolTable::AddRegister(StackId stack, const Name& name) {
  const uint32_t begin = register_begin_.back();
  const auto index = register_indexes_.find(stack);
  if (index != register_indexes_.end()) {
    if (Find(index->second, name.text)) return;
  } else {
    for (size_t i = begin; i < registers_.size(); ++i) {
      if (registers_[i]->text == name.text) return;
    }
  }
  registers_.push_back(&name);
  const auto reg = static_cast<RegId>(registers_.size() - 1 - begin);
  if (index != register_indexes_.end()) {
    index->second.try_emplace(name.text, reg);
  } else if (reg + 1 > kLinearRegisters) {
    Index& added = register_indexes_[stack];
    for (RegId r = 0; r <= reg; ++r) added.try_emplace(registers_[begin + r]->text, r);
  }
}

size_t SymbolTable::ChannelHash(StackId from, StackId to) {
  // splitmix64's finalizer: slots are picked by the low bits, and the key's
  // low bits alone (the receiver) would pile up a star's channels.
  uint64_t x = uint64_t{from} << 32 | to;
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<size_t>(x);
}

void SymbolTable::AddChannel(StackId from, StackId to) {
  if (FindChannel(from, to)) return;
  const auto id = static_cast<ChannelId>(channels_.size());
  channels_.push_back(Channel{from, to});
  channel_ids_.Add(id, ChannelHash(from, to),
                   [this](uint32_t c) { return ChannelHash(channels_[c].from, channels_[c].to); });
}

std::optional<ChannelId> SymbolTable::FindChannel(StackId from, StackId to) const {
  return channel_ids_.Find(ChannelHash(from, to), [&](uint32_t c) {
    return channels_[c].from == from && channels_[c].to == to;
  });
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
