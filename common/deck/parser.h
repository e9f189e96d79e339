// ParseDeck: deck text to a Deck syntax tree (DECK.md, "Lexical rules",
// "Top-level statements" and "Cards").
//
// Parsing never stops at the first problem: each line is parsed on its own,
// and a line with a syntax error reports its leftmost problem and is left
// out of the Deck, so one pass finds the syntax errors of every line (up to
// kMaxDiagnostics, then a final "too many errors" line). Names are not
// resolved here; that is CheckDeck()'s job. Any input, including binary
// garbage, gives a result in time linear in its size.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/deck/deck.h"
#include "common/deck/diagnostic.h"

namespace cardflow {

struct ParseResult {
  Deck deck;                       // the lines that parsed; complete when errors is empty
  std::vector<Diagnostic> errors;  // syntax errors in source order
};

// `file` is used in diagnostics and stored as Deck::file. The Deck keeps a
// copy of `text` (Deck::source).
ParseResult ParseDeck(std::string_view text, std::string_view file);

// The same without a copy: the Deck shares `text` (not null) as its source.
ParseResult ParseDeck(std::shared_ptr<const std::string> text, std::string_view file);

}  // namespace cardflow
