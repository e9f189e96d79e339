// Arithmetic: what the register cards `set add sub mul div mod` do, in one
// place, so the engine that runs a deck and the explorer that checks it can
// never disagree about a run error (DECK.md, "Cards").
#pragma once

#include <cstdint>
#include <limits>

#include "common/deck/program.h"

namespace cardflow {

// Applies `op` to register `r` with operand `v`. Returns nullptr on success,
// else the run error's reason ("division by zero", "signed 64-bit
// overflow"); `r` is then unspecified. `op` must be an arithmetic card.
inline const char* Arithmetic(Op op, int64_t& r, int64_t v) {
  switch (op) {
    case Op::kSet:
      r = v;
      return nullptr;
    case Op::kAdd:
      return __builtin_add_overflow(r, v, &r) ? "signed 64-bit overflow" : nullptr;
    case Op::kSub:
      return __builtin_sub_overflow(r, v, &r) ? "signed 64-bit overflow" : nullptr;
    case Op::kMul:
      return __builtin_mul_overflow(r, v, &r) ? "signed 64-bit overflow" : nullptr;
    case Op::kDiv:
    case Op::kMod:
      if (v == 0) return "division by zero";
      if (r == std::numeric_limits<int64_t>::min() && v == -1) return "signed 64-bit overflow";
      r = op == Op::kDiv ? r / v : r % v;
      return nullptr;
    default:
      return "not an arithmetic card";
  }
}

}  // namespace cardflow
