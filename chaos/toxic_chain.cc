#include "chaos/toxic_chain.h"

#include <algorithm>

#include "chaos/random.h"

namespace cardflow::chaos {

ToxicChain::ToxicChain(Stream stream, const ConnectionSeed& seed) : stream_(stream), seed_(seed) {}

ToxicChain::Slot ToxicChain::MakeSlot(const ToxicEntry& entry, Clock::time_point now) const {
  Random random(
      SeedFor({seed_.proxy_seed, seed_.link_hash, seed_.connection, static_cast<uint64_t>(stream_),
               StableHash(entry.spec.name), entry.revision}));
  Slot slot{entry.spec.name, entry.revision, nullptr, std::nullopt};
  if (random.Unit() < entry.spec.toxicity) {
    slot.toxic = MakeToxic(entry.spec.params, random);
    slot.termination = slot.toxic->Attach(now);
  }
  return slot;
}

void ToxicChain::Sync(std::span<const ToxicEntry> entries, Clock::time_point now) {
  std::vector<Slot> next;
  for (const ToxicEntry& entry : entries) {
    if (entry.spec.stream != stream_) continue;
    auto old = std::find_if(slots_.begin(), slots_.end(),
                            [&](const Slot& s) { return s.name == entry.spec.name; });
    if (old != slots_.end() && old->revision == entry.revision) {
      next.push_back(std::move(*old));
      continue;
    }
    Slot slot = MakeSlot(entry, now);
    if (old != slots_.end() && old->toxic && slot.toxic) slot.toxic->Inherit(*old->toxic);
    next.push_back(std::move(slot));
  }
  slots_ = std::move(next);
}

bool ToxicChain::Apply(Chunk chunk, std::vector<Chunk>& out) {
  bool termination_changed = false;
  in_.clear();
  in_.push_back(std::move(chunk));
  for (Slot& slot : slots_) {
    if (!slot.toxic) continue;
    out_.clear();
    for (Chunk& c : in_) slot.toxic->Transform(std::move(c), out_);
    std::swap(in_, out_);
    if (!slot.termination) {
      slot.termination = slot.toxic->termination();
      termination_changed = termination_changed || slot.termination.has_value();
    }
  }
  for (Chunk& c : in_) out.push_back(std::move(c));
  in_.clear();
  return termination_changed;
}

bool ToxicChain::Ended() const {
  return std::any_of(slots_.begin(), slots_.end(),
                     [](const Slot& s) { return s.toxic && s.toxic->ended(); });
}

Clock::time_point ToxicChain::EofDue(Clock::time_point at) const {
  for (const Slot& slot : slots_) {
    if (slot.toxic) at = slot.toxic->EofDue(at);
  }
  return at;
}

std::optional<Termination> ToxicChain::NextTermination() const {
  std::optional<Termination> first;
  for (const Slot& slot : slots_) {
    if (slot.termination && (!first || slot.termination->at < first->at)) first = slot.termination;
  }
  return first;
}

size_t ToxicChain::acting() const {
  return std::count_if(slots_.begin(), slots_.end(),
                       [](const Slot& s) { return s.toxic != nullptr; });
}

}  // namespace cardflow::chaos
