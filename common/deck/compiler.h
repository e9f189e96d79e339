// CompileDeck: a checked Deck to the Program the engines run.
//
// Every name becomes a dense index (see program.h): shared variables in
// declaration order, stacks in declaration order, a stack's registers in
// order of first appearance in its cards, and one channel per (sender,
// receiver) pair in order of first mention. The outcome is the `outcome` line
// or, without one, every shared variable and then, stack by stack, every
// register. CompileDeck() trusts that CheckDeck() found no errors; on a deck
// that would fail it, the result is well-formed (every index in range) but
// meaningless.
#pragma once

#include "common/deck/deck.h"
#include "common/deck/program.h"

namespace cardflow {

Program CompileDeck(const Deck& deck);

// The same, consuming `deck`: each stack's cards are released as soon as the
// stack is compiled, so the syntax tree and the Program of a large deck
// (100,000 stacks) are never both whole in memory. What is left of `deck`
// afterwards is unspecified.
Program CompileDeck(Deck&& deck);

}  // namespace cardflow
