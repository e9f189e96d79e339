// CheckDeck: the static checks of DECK.md that need the whole deck — names,
// ranges and, in callbacks mode, callback order (see callback_order.h).
//
// Takes a Deck that parsed without errors and returns every problem found
// (up to kMaxDiagnostics, then "too many errors"), in source order. A Deck
// that passes is safe to give to CompileDeck(). The callback-order analysis
// only runs when the name and range checks pass: on a deck with unresolved
// names its verdicts would be guesses.
#pragma once

#include <vector>

#include "common/deck/deck.h"
#include "common/deck/diagnostic.h"
#include "common/deck/program.h"

namespace cardflow {

std::vector<Diagnostic> CheckDeck(const Deck& deck, Ordering ordering);

}  // namespace cardflow
