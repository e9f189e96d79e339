// Plural: a count with its noun, "1 run" / "3 runs", for the texts the
// reports print. Thread-safe (a pure function).
#pragma once

#include <cstdint>
#include <string>

namespace cardflow {

inline std::string Plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace cardflow
