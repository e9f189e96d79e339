#include "common/deck/limit_checks.h"

#include <string>

#include "common/deck/lexer.h"

namespace cardflow {

Diagnostic DeckTooLarge(std::string_view file) {
  return Diagnostic{std::string(file), 0, 0,
                    "the deck is larger than " + std::to_string(kMaxDeckBytes) + " bytes (" +
                        std::to_string(kMaxDeckBytes >> 20) +
                        " MiB), the most a deck may hold; split it into smaller decks"};
}

void CheckDeckLimits(const Deck& deck, DiagnosticSink& sink) {
  if (deck.stacks.size() > kMaxStacks) {
    const StackDecl& first_over = deck.stacks[kMaxStacks];
    sink.Error(first_over.name.pos, "stack " + Quoted(first_over.name.text) +
                                        " is one too many: a deck holds at most " +
                                        std::to_string(kMaxStacks) + " stacks (this one has " +
                                        std::to_string(deck.stacks.size()) + ")");
  }
}

}  // namespace cardflow
