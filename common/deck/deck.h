// Deck: the syntax tree of one deck file, exactly as written (DECK.md).
//
// ParseDeck() builds it; CheckDeck() validates names, ranges and callback
// order; CompileDeck() turns a checked Deck into a Program. Names are kept as
// text with their source positions so every later stage can point at the
// offending token. A Deck is plain data with no invariants beyond "it came
// from the parser": a Deck with syntax errors may be missing lines.
//
// Every piece of text in a Deck (names, cards) is a std::string_view into
// Deck::source, the file's text, shared by the Deck's copies, the Program
// compiled from it (Program::source) and whoever loaded it: a deck of
// 100,000 stacks then costs no allocation per name or card, and Card stays
// small (the syntax tree is the largest structure of loading a big deck).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/deck/program.h"

namespace cardflow {

// 1-based line and byte column of a token.
struct SourcePos {
  int line = 0;
  int column = 0;
};

// A name (stack, shared variable, register or node) where it was written.
struct Name {
  std::string_view text;  // into Deck::source
  SourcePos pos;
};

// V in DECK.md: an integer literal or a register of the same stack.
// 40 bytes: a card holds one, and a deck may have millions of cards.
struct Value {
  bool is_register = false;
  int64_t literal = 0;
  // The register (is_register); for a literal, text is empty and pos is
  // where the literal was written.
  Name reg;
  SourcePos pos() const { return reg.pos; }
};

// A shared variable (`balance`, stack empty) or a stack's register (`A.a`).
struct Term {
  Name stack;  // text empty for a shared variable
  Name name;
  SourcePos pos;  // first byte of the term
};

// One card (120 bytes). Which fields are meaningful depends on `op` (see
// DECK.md, "Cards"):
//   set..mod  reg, value        read   target (shared), reg
//   write     value, target     notify target (stack), value (if has_value)
//   await     target (stack), reg (if has_reg)
//   work/sleep value (a literal) print value
struct Card {
  Op op = Op::kSet;
  bool has_reg = false;  // next to op: a deck may have millions of cards
  bool has_value = false;
  SourcePos pos;  // the card keyword
  // Which iteration of which `repeat` this copy of the card belongs to: an
  // index into Deck::iterations, kNoIteration outside every repeat (and
  // before UnrollDeck()). Fills what would be padding.
  uint32_t iteration = 0;
  std::string_view text;  // the card as written, trimmed, comment removed
  Name reg;
  Value value;
  Name target;
};
static_assert(sizeof(void*) != 8 || sizeof(Card) == 120, "Card grew: see its comment");

// `repeat COUNT:` in a stack, as parsed: it repeats cards[begin, end) of its
// stack. Blocks nest; a stack lists them in source order (outer before inner).
struct RepeatDecl {
  SourcePos pos;  // the `repeat` keyword
  int64_t count = 1;
  uint32_t begin = 0;
  uint32_t end = 0;
};

struct StackDecl {
  Name name;
  Name node;  // `on NODE`; text empty when absent
  SourcePos pos;
  std::vector<Card> cards;          // straight-line once UnrollDeck() has run
  std::vector<RepeatDecl> repeats;  // emptied by UnrollDeck()
};

// One iteration of one `repeat` of the unrolled deck (see unroll.h).
inline constexpr uint32_t kNoIteration = 0;
struct Iteration {
  int line = 0;                    // the `repeat` line
  uint32_t number = 1;             // 1-based
  uint32_t parent = kNoIteration;  // the enclosing repeat's iteration
  bool first = true;               // number 1 here and in every enclosing repeat
};

struct SharedDecl {
  Name name;
  int64_t initial = 0;
  SourcePos pos;
};

struct ExpectDecl {
  Term lhs;
  CompareOp op = CompareOp::kEq;
  bool rhs_is_term = false;
  Term rhs_term;
  int64_t rhs_literal = 0;
  SourcePos pos;
};

struct OutcomeDecl {
  std::vector<Term> terms;
  SourcePos pos;
};

struct Deck {
  std::string file;
  std::shared_ptr<const std::string> source;  // the text the Deck's views point into
  std::vector<SharedDecl> shared;
  std::vector<StackDecl> stacks;
  std::vector<ExpectDecl> expects;
  std::vector<OutcomeDecl> outcomes;  // more than one is a check error
  // Index kNoIteration is a placeholder for "outside every repeat".
  std::vector<Iteration> iterations = {Iteration{}};
  // Names written on lines that failed to parse: the checker does not report
  // them as unknown, since their declaration may be on such a line.
  std::vector<std::string_view> names_on_broken_lines;
  bool complete = true;  // false when some line failed to parse
};

}  // namespace cardflow
