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

}  // namespace cardflow
