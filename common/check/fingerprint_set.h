// FingerprintSet: the explorer's visited states, as 64-bit fingerprints
// mapped to a 64-bit count, in one open-addressed table (linear probing,
// grown at half full). 16 bytes a slot, 32–64 bytes a state; no per-entry
// allocation. Fingerprint 0 is stored as 1 (one more way to collide, out of
// 2^64).
//
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <vector>

namespace cardflow {

class FingerprintSet {
 public:
  FingerprintSet() : slots_(1024) {}

  // The value stored for `fingerprint`, or nullptr. Valid until the next Insert.
  const uint64_t* Find(uint64_t fingerprint) const {
    const uint64_t key = fingerprint == 0 ? 1 : fingerprint;
    for (size_t i = Home(key);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == 0) return nullptr;
    }
  }

  // Stores `value` for `fingerprint` (replacing any).
  void Insert(uint64_t fingerprint, uint64_t value) {
    if (2 * (size_ + 1) > slots_.size()) Grow();
    const uint64_t key = fingerprint == 0 ? 1 : fingerprint;
    size_t i = Home(key);
    while (slots_[i].key != 0 && slots_[i].key != key) i = (i + 1) & (slots_.size() - 1);
    if (slots_[i].key == 0) ++size_;
    slots_[i] = Slot{key, value};
  }

  size_t size() const { return size_; }
  size_t bytes() const { return slots_.size() * sizeof(Slot); }

 private:
  struct Slot {
    uint64_t key = 0;
    uint64_t value = 0;
  };

  // The key's first slot. Fingerprints are XORs of mixed words, whose low
  // bits cluster when states differ in few words: take the high bits of a
  // multiplicative hash instead (Knuth's Fibonacci hashing).
  size_t Home(uint64_t key) const {
    return static_cast<size_t>((key * 0x9e3779b97f4a7c15ull) >> shift_);
  }

  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    --shift_;
    size_ = 0;
    for (const Slot& slot : old) {
      if (slot.key != 0) Insert(slot.key, slot.value);
    }
  }

  std::vector<Slot> slots_;  // a power of two
  int shift_ = 64 - 10;      // 64 - log2(slots_.size())
  size_t size_ = 0;
};

}  // namespace cardflow
