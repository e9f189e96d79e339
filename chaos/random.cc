#include "chaos/random.h"

namespace cardflow::chaos {

uint64_t StableHash(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

uint64_t SeedFor(std::initializer_list<uint64_t> parts) {
  uint64_t seed = 0x6a09e667f3bcc909ull;
  for (const uint64_t part : parts) seed = Random(seed ^ part).Next();
  return seed;
}

}  // namespace cardflow::chaos
