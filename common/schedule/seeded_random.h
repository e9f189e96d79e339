// SeededRandom: a small, fast, portable PRNG (SplitMix64) for schedules.
// The same seed yields the same sequence on every platform and build, which
// std::uniform_int_distribution does not promise.
#pragma once

#include <cstdint>

namespace cardflow {

class SeededRandom {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n), n > 0 (Lemire's multiply-shift; bias < n / 2^64).
  uint32_t Below(uint32_t n) {
    __extension__ using Wide = unsigned __int128;
    return static_cast<uint32_t>((static_cast<Wide>(Next()) * n) >> 64);
  }

 private:
  uint64_t state_;
};

}  // namespace cardflow
