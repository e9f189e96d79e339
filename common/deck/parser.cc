#include "common/deck/parser.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "base/suggest.h"
#include "common/deck/diagnostic_sink.h"
#include "common/deck/lexer.h"
#include "common/deck/limits.h"
#include "common/deck/token_cursor.h"

namespace cardflow {
namespace {

struct CardSyntax {
  std::string_view keyword;
  Op op;
  std::string_view usage;
};

constexpr CardSyntax kCards[] = {
    {"set", Op::kSet, "set REGISTER VALUE"},
    {"add", Op::kAdd, "add REGISTER VALUE"},
    {"sub", Op::kSub, "sub REGISTER VALUE"},
    {"mul", Op::kMul, "mul REGISTER VALUE"},
    {"div", Op::kDiv, "div REGISTER VALUE"},
    {"mod", Op::kMod, "mod REGISTER VALUE"},
    {"read", Op::kRead, "read SHARED -> REGISTER"},
    {"write", Op::kWrite, "write VALUE -> SHARED"},
    {"notify", Op::kNotify, "notify STACK [VALUE]"},
    {"await", Op::kAwait, "await STACK [-> REGISTER]"},
    {"work", Op::kWork, "work MICROSECONDS"},
    {"sleep", Op::kSleep, "sleep MILLISECONDS"},
    {"print", Op::kPrint, "print VALUE"},
};

const CardSyntax* FindCard(std::string_view word) {
  for (const CardSyntax& card : kCards) {
    if (card.keyword == word) return &card;
  }
  return nullptr;
}

bool IsStatementKeyword(std::string_view word) {
  return word == "shared" || word == "stack" || word == "expect" || word == "outcome";
}

constexpr int64_t kMaxRepeat = 10'000;

// "; did you mean 'add'?" when `word` is close to a card keyword (or, for
// `indented` lines, `repeat`), or to a statement keyword otherwise.
std::string SuggestKeyword(std::string_view word, bool indented) {
  Closest closest(word, KeywordEdits(word));
  if (indented) {
    for (const CardSyntax& card : kCards) closest.Offer(card.keyword);
    closest.Offer("repeat");
  } else {
    for (std::string_view keyword : {"shared", "stack", "expect", "outcome"}) {
      closest.Offer(keyword);
    }
  }
  return closest.DidYouMean();
}

bool IsArithmetic(const Token& token) {
  return token.kind == TokenKind::kBad && token.text.size() == 1 &&
         std::string_view("+-*/%()").find(token.text[0]) != std::string_view::npos;
}

constexpr std::string_view kTermWanted = "a shared variable or STACK.REGISTER";
constexpr std::string_view kStatementWanted =
    "expected a top-level statement (shared, stack, expect or outcome), found ";
constexpr std::string_view kCardList =
    "; cards are set, add, sub, mul, div, mod, read, write, notify, await, work, sleep and print"
    " (and 'repeat COUNT:' repeats the lines indented under it)";

// How many lines of `text` start with the word `stack` (after blanks): at
// least as many as the stacks a parse finds.
size_t StackLines(std::string_view text) {
  constexpr std::string_view kStack = "stack";
  size_t count = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    line.remove_prefix(std::min(line.find_first_not_of(" \t"), line.size()));
    if (line.starts_with(kStack) && (line.size() == kStack.size() || line[kStack.size()] == ' ' ||
                                     line[kStack.size()] == '\t' || line[kStack.size()] == ':')) {
      ++count;
    }
    start = end + 1;
  }
  return count;
}

class Parser {
 public:
  Parser(std::shared_ptr<const std::string> text, std::string_view file)
      : source_(std::move(text)), text_(*source_), sink_(file) {
    deck_.file = std::string(file);
    deck_.source = source_;
  }

  ParseResult Run() && {
    // A UTF-8 byte order mark is not part of the first line.
    constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
    if (text_.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
      text_.remove_prefix(kByteOrderMark.size());
    }
    // Sized once: grown by doubling, then copied to its exact size, a
    // 100,000-stack deck's declarations took 18 MB at once.
    // (A deck of more stacks than kMaxStacks is refused after the parse.)
    deck_.stacks.reserve(std::min(StackLines(text_), kMaxStacks));
    size_t start = 0;
    int line = 0;
    while (start < text_.size() && !sink_.overflowed()) {
      const char* newline =
          static_cast<const char*>(std::memchr(text_.data() + start, '\n', text_.size() - start));
      const size_t end = newline ? static_cast<size_t>(newline - text_.data()) : text_.size();
      const size_t errors_before = sink_.count();
      tokens_.clear();
      ParseLine(text_.substr(start, end - start), ++line);
      if (sink_.count() != errors_before) NoteBrokenLine();
      start = end + 1;
    }
    CloseRepeats(0);
    // Exact sizes: the syntax tree of a big deck is the largest structure of
    // loading it, and a vector grown by doubling can be near half empty.
    if (!deck_.stacks.empty()) deck_.stacks.back().cards.shrink_to_fit();
    if (deck_.stacks.capacity() - deck_.stacks.size() > deck_.stacks.size() / 8) {
      deck_.stacks.shrink_to_fit();  // many `stack` lines did not parse
    }
    deck_.complete = sink_.empty();
    return {std::move(deck_), std::move(sink_).Take()};
  }

 private:
  void ParseLine(std::string_view line, int number);
  void ParseStatement(TokenCursor& cursor, std::string_view keyword, SourcePos pos);
  void ParseShared(TokenCursor& cursor, SourcePos pos);
  void ParseStack(TokenCursor& cursor, SourcePos pos);
  void ParseExpect(TokenCursor& cursor, SourcePos pos);
  void ParseOutcome(TokenCursor& cursor, SourcePos pos);
  void ParseCard(TokenCursor& cursor, const CardSyntax& syntax, Card& card);
  void ParseRepeat(TokenCursor& cursor, SourcePos pos, std::string_view indent);
  // Ends the repeats of the current stack that `indent` is not deeper than
  // (all of them for an empty indent). False, after reporting, when `indent`
  // and an open repeat's indentation mix tabs and spaces so that neither is
  // a prefix of the other.
  bool CloseRepeats(int line, std::string_view indent = {});
  // Remembers the names of a line that failed (in tokens_).
  void NoteBrokenLine();

  struct OpenRepeat {
    std::string_view indent;  // of the `repeat` line
    size_t index;             // into the current stack's repeats
    bool has_body = false;    // some line was indented deeper
  };

  const std::shared_ptr<const std::string> source_;
  std::string_view text_;  // *source_: every view in deck_ points into it
  DiagnosticSink sink_;
  Deck deck_;
  std::vector<Token> tokens_;             // reused for every line
  std::vector<OpenRepeat> open_repeats_;  // of the last stack, outermost first
};

bool Parser::CloseRepeats(int line, std::string_view indent) {
  while (!open_repeats_.empty()) {
    OpenRepeat& open = open_repeats_.back();
    if (indent.size() > open.indent.size() && indent.starts_with(open.indent)) {
      open.has_body = true;
      return true;
    }
    if (!indent.empty() && !open.indent.starts_with(indent)) {
      open.has_body = true;  // most likely meant to be; one error is enough
      sink_.Error({line, 1},
                  "this line's indentation mixes tabs and spaces differently from the "
                  "'repeat' at line " +
                      std::to_string(deck_.stacks.back().repeats[open.index].pos.line) +
                      ", so it is unclear whether it is repeated; indent both alike");
      return false;
    }
    RepeatDecl& repeat = deck_.stacks.back().repeats[open.index];
    repeat.end = static_cast<uint32_t>(deck_.stacks.back().cards.size());
    if (!open.has_body) {
      sink_.Error(repeat.pos,
                  "'repeat' has no lines under it; indent the lines to repeat deeper "
                  "than the 'repeat' line");
    }
    open_repeats_.pop_back();
  }
  return true;
}

void Parser::NoteBrokenLine() {
  for (const Token& token : tokens_) {
    if (token.kind != TokenKind::kWord) continue;
    const WordShape shape = ShapeOf(token.text);
    if (shape == WordShape::kName) {
      deck_.names_on_broken_lines.push_back(token.text);
    } else if (shape == WordShape::kDotted) {
      const size_t dot = token.text.find('.');
      deck_.names_on_broken_lines.push_back(token.text.substr(0, dot));
      deck_.names_on_broken_lines.push_back(token.text.substr(dot + 1));
    }
  }
}

void Parser::ParseRepeat(TokenCursor& cursor, SourcePos pos, std::string_view indent) {
  cursor.SetContext("repeat", "repeat COUNT:", /*is_card=*/false);
  const SourcePos count_pos = cursor.AtEnd() ? SourcePos{} : cursor.PosOf(*cursor.Peek());
  std::optional<int64_t> count = cursor.TakeInteger("a number of times to repeat");
  cursor.Take(TokenKind::kColon, "':' at the end of the line");
  if (!cursor.ExpectEnd()) return;
  if (*count < 1 || *count > kMaxRepeat) {
    return cursor.Fail(count_pos, "'repeat' takes 1 to " + std::to_string(kMaxRepeat) +
                                      " iterations, not " + std::to_string(*count));
  }
  StackDecl& stack = deck_.stacks.back();
  const auto here = static_cast<uint32_t>(stack.cards.size());
  stack.repeats.push_back(RepeatDecl{pos, *count, here, here});
  open_repeats_.push_back(OpenRepeat{indent, stack.repeats.size() - 1});
}

void Parser::ParseLine(std::string_view line, int number) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
    // Comments are the only place for bytes other than ASCII, and they
    // must be UTF-8 (DECK.md): a deck travels to nodes as a protobuf
    // string, which a node refuses to parse otherwise.
    if (const size_t bad = FindInvalidUtf8(line.substr(hash)); bad != std::string_view::npos) {
      sink_.Error(SourcePos{number, static_cast<int>(hash + bad) + 1},
                  "byte " + HexByte(line[hash + bad]) +
                      " in a comment is not UTF-8 (a deck is UTF-8 text; save it as UTF-8)");
    }
    line = line.substr(0, hash);
  }
  const size_t first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos) return;  // blank or comment only
  const size_t last = line.find_last_not_of(" \t");
  line = line.substr(0, last + 1);

  TokenizeLine(line, tokens_);
  TokenCursor cursor(tokens_, number, static_cast<int>(line.size()) + 1, sink_);
  const Token& head = tokens_.front();
  const SourcePos pos = cursor.PosOf(head);
  if (head.kind == TokenKind::kBad) return cursor.Fail(pos, DescribeBadByte(head.text[0]));

  const bool is_word = head.kind == TokenKind::kWord;
  const bool indented = first > 0;
  if (!indented) {
    CloseRepeats(number);
    if (is_word && IsStatementKeyword(head.text)) {
      cursor.Skip();
      return ParseStatement(cursor, head.text, pos);
    }
    if (is_word && (FindCard(head.text) || head.text == "repeat")) {
      return cursor.Fail(pos, (head.text == "repeat" ? "'repeat'" : "card " + Quoted(head.text)) +
                                  " must be indented under a 'stack NAME:' header");
    }
    return cursor.Fail(pos, std::string(kStatementWanted) + Quoted(head.text) +
                                (is_word ? SuggestKeyword(head.text, false) : ""));
  }
  if (!CloseRepeats(number, line.substr(0, first))) return;
  if (is_word && IsStatementKeyword(head.text)) {
    cursor.Fail(pos, Quoted(head.text) + " must start in column 1 (it is not a card)");
    // Read as the statement it is all the same: the cards under an
    // indented `stack B:` are B's, not blamed on the stack above.
    CloseRepeats(number);
    cursor.Skip();
    return ParseStatement(cursor, head.text, pos);
  }
  if (deck_.stacks.empty()) {
    return cursor.Fail(pos, "card outside a stack: put it under a 'stack NAME:' header");
  }
  if (is_word && head.text == "repeat") {
    cursor.Skip();
    return ParseRepeat(cursor, pos, line.substr(0, first));
  }
  const CardSyntax* syntax = is_word ? FindCard(head.text) : nullptr;
  if (syntax == nullptr) {
    if (is_word) {
      const std::string suggestion = SuggestKeyword(head.text, true);
      if (!suggestion.empty())
        return cursor.Fail(pos, "unknown card " + Quoted(head.text) + suggestion);
    }
    const char* what = is_word ? "unknown card " : "expected a card, found ";
    return cursor.Fail(pos, what + Quoted(head.text) + std::string(kCardList));
  }
  cursor.Skip();
  cursor.SetContext(syntax->keyword, syntax->usage, /*is_card=*/true);
  Card card;
  card.op = syntax->op;
  card.pos = pos;
  ParseCard(cursor, *syntax, card);
  if (!cursor.ExpectEnd()) return;
  card.text = line.substr(first);
  deck_.stacks.back().cards.push_back(std::move(card));
}

void Parser::ParseCard(TokenCursor& cursor, const CardSyntax& syntax, Card& card) {
  auto take_reg = [&](std::string_view what) {
    std::optional<Name> reg = cursor.TakeName(what);
    if (reg) card.reg = std::move(*reg);
    card.has_reg = true;
  };
  auto take_value = [&](std::string_view what) {
    std::optional<Value> value = cursor.TakeValue(what);
    if (value) card.value = std::move(*value);
    card.has_value = true;
  };
  auto take_target = [&](std::string_view what) {
    std::optional<Name> target = cursor.TakeName(what);
    if (target) card.target = std::move(*target);
  };
  switch (syntax.op) {
    case Op::kSet:
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kMod:
      take_reg("a register");
      take_value("a value (an integer or a register)");
      break;
    case Op::kRead:
      take_target("a shared variable");
      cursor.Take(TokenKind::kArrow, "'-> REGISTER'");
      take_reg("a register after '->'");
      break;
    case Op::kWrite:
      take_value("a value (an integer or a register)");
      cursor.Take(TokenKind::kArrow, "'-> SHARED'");
      take_target("a shared variable after '->'");
      break;
    case Op::kNotify:
      take_target("a stack to notify");
      if (!cursor.AtEnd()) take_value("a value (an integer or a register)");
      break;
    case Op::kAwait:
      take_target("a stack to await");
      if (cursor.TakeIf(TokenKind::kArrow)) take_reg("a register after '->'");
      break;
    case Op::kWork:
    case Op::kSleep: {
      const SourcePos pos = cursor.AtEnd() ? SourcePos{} : cursor.PosOf(*cursor.Peek());
      std::optional<int64_t> n = cursor.TakeInteger(
          syntax.op == Op::kWork ? "a number of microseconds" : "a number of milliseconds");
      card.has_value = true;
      card.value = Value{false, n.value_or(0), Name{{}, pos}};
      break;
    }
    case Op::kPrint:
      take_value("a value (an integer or a register)");
      break;
  }
}

void Parser::ParseStatement(TokenCursor& cursor, std::string_view keyword, SourcePos pos) {
  if (keyword == "shared") return ParseShared(cursor, pos);
  if (keyword == "stack") return ParseStack(cursor, pos);
  if (keyword == "expect") return ParseExpect(cursor, pos);
  ParseOutcome(cursor, pos);
}

void Parser::ParseShared(TokenCursor& cursor, SourcePos pos) {
  cursor.SetContext("shared", "shared NAME [= INTEGER]", /*is_card=*/false);
  SharedDecl decl;
  decl.pos = pos;
  std::optional<Name> name = cursor.TakeName("a variable name");
  if (cursor.TakeIf(TokenKind::kEquals)) {
    decl.initial = cursor.TakeInteger("an integer after '='").value_or(0);
  }
  if (!cursor.ExpectEnd()) return;
  decl.name = std::move(*name);
  deck_.shared.push_back(std::move(decl));
}

void Parser::ParseStack(TokenCursor& cursor, SourcePos pos) {
  cursor.SetContext("stack", "stack NAME [on NODE]:", /*is_card=*/false);
  // The stack exists even when its header is broken, so that the cards under
  // it are parsed as cards and not reported as outside a stack.
  if (!deck_.stacks.empty()) deck_.stacks.back().cards.shrink_to_fit();  // see Run()
  StackDecl& stack = deck_.stacks.emplace_back();
  stack.pos = pos;
  if (std::optional<Name> name = cursor.TakeName("a stack name")) stack.name = std::move(*name);
  if (cursor.TakeWordIf("on")) {
    if (std::optional<Name> node = cursor.TakeName("a node name after 'on'")) {
      stack.node = std::move(*node);
    }
  }
  cursor.Take(TokenKind::kColon, "':' at the end of the line");
  cursor.ExpectEnd();
}

void Parser::ParseExpect(TokenCursor& cursor, SourcePos pos) {
  cursor.SetContext("expect", "expect TERM OP VALUE", /*is_card=*/false);
  // The lexer stops at the first byte that starts no token, so an operator
  // is the last token.
  if (!tokens_.empty() && IsArithmetic(tokens_.back())) {
    return cursor.Fail(cursor.PosOf(tokens_.back()),
                       "an expect cannot compute (found " + Quoted(tokens_.back().text) +
                           "): it compares a shared variable or STACK.REGISTER with an integer, "
                           "a shared variable or STACK.REGISTER (==, !=, <, <=, >, >=); compute "
                           "the value into a register with a card and compare that");
  }
  ExpectDecl decl;
  decl.pos = pos;
  std::optional<Term> lhs = cursor.TakeTerm(kTermWanted);
  std::optional<CompareOp> op = cursor.TakeCompare("a comparison (==, !=, <, <=, >, >=)");
  std::optional<Term> rhs;
  const Token* next = cursor.Peek();
  if (next && next->kind == TokenKind::kWord && ShapeOf(next->text) == WordShape::kInteger) {
    decl.rhs_literal = cursor.TakeInteger("an integer").value_or(0);
  } else {
    rhs = cursor.TakeTerm("an integer, a shared variable or STACK.REGISTER");
  }
  if (!cursor.ExpectEnd()) return;
  decl.lhs = std::move(*lhs);
  decl.op = *op;
  if (rhs) {
    decl.rhs_is_term = true;
    decl.rhs_term = std::move(*rhs);
  }
  deck_.expects.push_back(std::move(decl));
}

void Parser::ParseOutcome(TokenCursor& cursor, SourcePos pos) {
  cursor.SetContext("outcome", "outcome TERM, TERM, ...", /*is_card=*/false);
  OutcomeDecl decl;
  decl.pos = pos;
  do {
    std::optional<Term> term = cursor.TakeTerm(kTermWanted);
    if (!term) return;
    decl.terms.push_back(std::move(*term));
  } while (cursor.TakeIf(TokenKind::kComma));
  if (!cursor.ExpectEnd()) return;
  deck_.outcomes.push_back(std::move(decl));
}

}  // namespace

ParseResult ParseDeck(std::string_view text, std::string_view file) {
  return ParseDeck(std::make_shared<const std::string>(text), file);
}

ParseResult ParseDeck(std::shared_ptr<const std::string> text, std::string_view file) {
  return Parser(std::move(text), file).Run();
}

}  // namespace cardflow
