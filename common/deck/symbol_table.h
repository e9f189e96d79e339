// SymbolTable: every name a Deck declares or uses, numbered the way Program
// numbers it, so the checker and the compiler resolve names one way.
//
// Built from any Deck, even one that fails CheckDeck(): a duplicate name
// resolves to its first declaration, and a notify/await naming an unknown
// stack or its own stack gets no channel. Holds pointers into the Deck, which
// must outlive the table, its `stacks` unchanged but for their cards: a
// stack's Registers() point into its cards (CompileDeck(Deck&&) frees each
// stack's cards once done with them). For a deck of 100,000 stacks it takes
// ~5 MB.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
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
  std::span<const Name* const> Registers(StackId stack) const {
    return {registers_.data() + register_begin_[stack],
            registers_.data() + register_begin_[stack + 1]};
  }
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

  // A set of dense ids (stacks, channels) found by the hash of their key:
  // open addressing with linear probing over 4-byte slots (id + 1; 0 is
  // empty), at most half full. The keys live elsewhere (the Deck, channels_):
  // for a deck of 100,000 stacks this is ~1 MB where a node-based map was ~5.
  class IdHash {
   public:
    void Reserve(size_t ids) {
      Grow(ids, [](uint32_t) { return size_t{0}; });
    }
    // The id for which `matches(id)` holds, looking from `hash`.
    template <typename Matches>
    std::optional<uint32_t> Find(size_t hash, Matches&& matches) const {
      if (slots_.empty()) return std::nullopt;
      for (size_t i = hash & Mask();; i = (i + 1) & Mask()) {
        if (slots_[i] == 0) return std::nullopt;
        if (matches(slots_[i] - 1)) return slots_[i] - 1;
      }
    }
    // Adds `id`, whose key is not in the set yet; `hash_of(id)` gives the
    // hash of any id already in it (to grow).
    template <typename HashOf>
    void Add(uint32_t id, size_t hash, HashOf&& hash_of) {
      Grow(size_ + 1, hash_of);
      Place(id, hash);
      ++size_;
    }

   private:
    size_t Mask() const { return slots_.size() - 1; }
    void Place(uint32_t id, size_t hash) {
      size_t i = hash & Mask();
      while (slots_[i] != 0) i = (i + 1) & Mask();
      slots_[i] = id + 1;
    }
    // Makes room for `ids` ids.
    template <typename HashOf>
    void Grow(size_t ids, const HashOf& hash_of) {
      if (ids * 2 <= slots_.size()) return;
      std::vector<uint32_t> old = std::move(slots_);
      slots_.assign(std::bit_ceil(std::max<size_t>(ids * 2, 16)), 0);
      for (uint32_t slot : old) {
        if (slot != 0) Place(slot - 1, hash_of(slot - 1));
      }
    }
    std::vector<uint32_t> slots_;
    size_t size_ = 0;
  };

  // Most stacks use a handful of registers: those are found by a linear
  // scan of Registers(), and only a stack with many gets a hash index. All
  // stacks' registers are in one array (a vector per stack cost ~64 bytes
  // per stack; a deck may have 100,000 stacks).
  static constexpr size_t kLinearRegisters = 16;
  static std::optional<uint32_t> Find(const Index& index, std::string_view name);
  // Adds `name` to the registers of the last stack, `stack`.
  void AddRegister(StackId stack, const Name& name);
  static size_t ChannelHash(StackId from, StackId to);
  static size_t NameHash(std::string_view name) { return Hash{}(name); }
  void AddChannel(StackId from, StackId to);

  const std::vector<StackDecl>& stacks_;
  Index shared_;
  IdHash stacks_by_name_;                                // keys: stacks_[id].name.text
  std::vector<const Name*> registers_;                   // stack by stack
  std::vector<uint32_t> register_begin_;                 // by stack, and one past the last
  std::unordered_map<StackId, Index> register_indexes_;  // stacks with many
  std::vector<Channel> channels_;
  IdHash channel_ids_;  // keys: channels_[id]
};

}  // namespace cardflow
