// Outcome: what a finished run's state means — the values of the deck's
// `outcome` terms and whether every `expect` line holds. Every placement
// (local, remote) computes a run's outcome through these functions, so a
// run means the same wherever it ran.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/deck/program.h"

namespace cardflow {

// The state a run ended in.
struct FinalState {
  std::vector<int64_t> shared;                  // by VarId
  std::vector<std::vector<int64_t>> registers;  // by StackId, then RegId
};

// The value `term` names in `state`. `term` must come from the Program whose
// run produced `state` (a checked deck never names a missing variable or
// register); out-of-range indices are a programming error and read as 0.
int64_t TermValue(const TermRef& term, const FinalState& state);

// The run's outcome: one value per Program::outcome term, in that order.
std::vector<int64_t> OutcomeValues(const Program& program, const FinalState& state);

// True when every `expect` line of `program` holds in `state` (vacuously true
// for a deck without `expect` lines).
bool ExpectationsHold(const Program& program, const FinalState& state);

}  // namespace cardflow

namespace cardflow {

// How a run error reads wherever it happened (a run, a node, `check`):
// "stack B, card 3 `div b 0` (line 12): division by zero". `pc` indexes the
// stack's cards.
std::string RunErrorMessage(const Program& program, StackId stack, uint32_t pc,
                            std::string_view what);

// A run in which no stack can move: "deadlock: stack B waits forever at card
// 1 `await A` (line 11)".
std::string DeadlockMessage(const Program& program, StackId stack, uint32_t pc);

}  // namespace cardflow
