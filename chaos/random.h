// Random: the proxy's portable, seedable PRNG (SplitMix64).
//
// Every draw the proxy makes (jitter, slicer sizes, whether a toxic applies
// to a connection) comes from a Random seeded from --seed and the names of
// what it serves (SeedFor), so the same seed and the same sequence of
// connections and control calls give the same draws on every platform.
// std::uniform_*_distribution does not promise that.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace cardflow::chaos {

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  // Uniform in [lo, hi]; lo <= hi.
  int64_t Between(int64_t lo, int64_t hi) {
    __extension__ using Wide = unsigned __int128;
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;  // 0 means all 2^64 values
    if (span == 0) return static_cast<int64_t>(Next());
    return lo + static_cast<int64_t>((static_cast<Wide>(Next()) * span) >> 64);
  }

  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

// FNV-1a of `text`: a stable hash (std::hash promises no stability).
uint64_t StableHash(std::string_view text);

// Mixes `parts` into one seed: different parts give unrelated streams.
uint64_t SeedFor(std::initializer_list<uint64_t> parts);

}  // namespace cardflow::chaos
