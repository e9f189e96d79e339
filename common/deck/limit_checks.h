// The checks of a deck against common/deck/limits.h that are not made while
// it is read or unrolled (UnrollDeck checks the cards), in the diagnostic
// format of the other checks.
#pragma once

#include <string_view>

#include "common/deck/deck.h"
#include "common/deck/diagnostic.h"
#include "common/deck/diagnostic_sink.h"
#include "common/deck/limits.h"

namespace cardflow {

// "FILE:0:0: error: the deck is larger than 134217728 bytes (128 MiB) ...":
// the diagnostic for a deck text over kMaxDeckBytes, which is not parsed.
Diagnostic DeckTooLarge(std::string_view file);

// Reports a deck (parsed and unrolled) of more than kMaxStacks stacks, at
// the first stack past the limit.
void CheckDeckLimits(const Deck& deck, DiagnosticSink& sink);

}  // namespace cardflow
