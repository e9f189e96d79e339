// UnrollDeck: replaces every `repeat N:` block of a parsed Deck by N copies
// of its cards (DECK.md, "Cards"), so that every check, the compiler and
// every run see straight-line stacks.
//
// Each copy records its iteration (Card::iteration, an index into
// Deck::iterations) so that a diagnostic can name it: `line 7, iteration 3`,
// and inside nested repeats `line 9, iteration 2.3` (the outer repeat's
// iteration first, like section numbers).
#pragma once

#include <cstddef>
#include <string>

#include "common/deck/deck.h"
#include "common/deck/diagnostic_sink.h"
#include "common/deck/limits.h"

namespace cardflow {

inline constexpr size_t kMaxUnrolledCards = kMaxCardsPerStack;

// Unrolls every stack of `deck` in place. A stack that would hold more than
// kMaxCardsPerStack cards is reported at its name and left as written (its
// repeat bodies once each), so that it costs no memory and the rest of the
// deck can still be checked; a deck that would hold more than kMaxDeckCards
// is reported at the stack that passes the limit, and then no stack is
// unrolled. Time and memory are linear in the unrolled size.
void UnrollDeck(Deck& deck, DiagnosticSink& sink);

// "2.3" for the iteration a card copy belongs to (outermost first), "" for a
// card outside every repeat.
std::string IterationText(const Deck& deck, uint32_t iteration);

// "line 7" or "line 7, iteration 3": where a card copy came from.
std::string Where(const Deck& deck, const Card& card);

// "in iteration 3: " for a diagnostic at a card copy inside a repeat, "" outside.
std::string InIteration(const Deck& deck, const Card& card);

}  // namespace cardflow
