// SymbolTable: every name a Deck declares or uses, numbered the way Program
// numbers it, so the checker and the compiler resolve names one way.
//
// Built from any Deck, even one that fails CheckDeck(): a duplicate name
// resolves to its first declaration, and a notify/await naming an unknown
// stack or its own stack gets no channel. Holds pointers into the Deck, which
// must outlive the table.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/deck/deck.h"
#include "common/deck/program.h"

namespace cardflow {

// Calls `fn(name)` for each register `card` mentions, left to right.
template <typename Fn>
void ForEachRegister(const Card& card, Fn&& fn) {
  if (card.has_reg) fn(card.reg);
  if (card.has_value && card.value.is_register) fn(card.value.reg);
}

// The outcome of resolving a Term: a TermRef, or where and why it names nothing.
struct ResolvedTerm {
  enum class Problem { kNone, kUnknownShared, kUnknownStack, kUnknownRegister };
  std::optional<TermRef> ref;
  Problem problem = Problem::kNone;
  SourcePos error_pos;
  std::string error;
};

class SymbolTable {
 public:
  explicit SymbolTable(const Deck& deck);
  SymbolTable(const SymbolTable&) = delete;
  SymbolTable& operator=(const SymbolTable&) = delete;

  // First declaration of a shared variable / stack with this name.
  std::optional<VarId> FindShared(std::string_view name) const;
  std::optional<StackId> FindStack(std::string_view name) const;

  // A stack's registers in order of first appearance in its cards, each with
  // the position of that first appearance.
  const std::vector<const Name*>& Registers(StackId stack) const { return stacks_[stack].order; }
  std::optional<RegId> FindRegister(StackId stack, std::string_view name) const;

  // One channel per (sender, receiver) pair some notify or await names, in
  // order of first mention.
  const std::vector<Channel>& channels() const { return channels_; }
  std::optional<ChannelId> FindChannel(StackId from, StackId to) const;

  // Resolves `balance` or `A.a`, labelled as reports print it.
  ResolvedTerm Resolve(const Term& term) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Keys point into the Deck's source, like every name of the Deck.
  using Index = std::unordered_map<std::string_view, uint32_t, Hash, std::equal_to<>>;
  // Most stacks use a handful of registers: those are found by a linear
  // scan of `order`, and only a stack with many gets a hash index. (A map
  // per stack cost ~150 bytes per stack; a deck may have 100,000 stacks.)
  static constexpr size_t kLinearRegisters = 16;
  struct StackSymbols {
    std::vector<const Name*> order;
    std::unique_ptr<Index> index;  // set once order has more than kLinearRegisters
  };
  static std::optional<uint32_t> Find(const Index& index, std::string_view name);
  static std::optional<RegId> FindIn(const StackSymbols& symbols, std::string_view name);
  static void AddRegister(StackSymbols& symbols, const Name& name);
  static uint64_t ChannelKey(StackId from, StackId to) { return uint64_t{from} << 32 | to; }
  void AddChannel(StackId from, StackId to);

  Index shared_;
  Index stacks_by_name_;
  std::vector<StackSymbols> stacks_;
  std::vector<Channel> channels_;
  std::unordered_map<uint64_t, ChannelId> channel_ids_;
};

}  // namespace cardflow
