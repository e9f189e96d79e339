// CheckDeck: the static checks of DECK.md that need the whole deck — names,
// ranges and, in callbacks mode, callback order (see callback_order.h).
//
// Takes an unrolled Deck (see unroll.h) and returns every problem found (up
// to kMaxDiagnostics, then "too many errors"), in source order. A complete
// Deck that passes is safe to give to CompileDeck(). On a Deck with syntax
// errors (!complete) only the lines that parsed are checked, and a name
// written on a broken line is not reported as unknown (its declaration may
// be that line). A repeated card is checked once, not per iteration. The
// callback-order analysis only runs on a complete deck whose name and range
// checks pass: otherwise its verdicts would be guesses. Unknown names come
// with "did you mean" when a declared name is close.
#pragma once

#include <vector>

#include "common/deck/deck.h"
#include "common/deck/diagnostic.h"
#include "common/deck/diagnostic_sink.h"
#include "common/deck/program.h"

namespace cardflow {

std::vector<Diagnostic> CheckDeck(const Deck& deck, Ordering ordering);

// The same, adding to `sink` (the callback-order analysis is skipped when
// `sink` already holds errors).
void CheckDeck(const Deck& deck, Ordering ordering, DiagnosticSink& sink);

}  // namespace cardflow
