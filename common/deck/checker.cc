#include "common/deck/checker.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "base/suggest.h"
#include "common/deck/callback_order.h"
#include "common/deck/diagnostic_sink.h"
#include "common/deck/lexer.h"
#include "common/deck/limit_checks.h"
#include "common/deck/symbol_table.h"

namespace cardflow {
namespace {

std::string AtLine(int line) { return "(line " + std::to_string(line) + ")"; }

class Checker {
 public:
  Checker(const Deck& deck, DiagnosticSink& sink)
      : deck_(deck),
        symbols_(deck),
        sink_(sink),
        broken_(deck.names_on_broken_lines.begin(), deck.names_on_broken_lines.end()) {}

  void CheckNames() {
    CheckDeclarations();
    for (StackId id = 0; id < deck_.stacks.size(); ++id) CheckStack(id);
    for (const ExpectDecl& expect : deck_.expects) {
      CheckTerm(expect.lhs);
      if (expect.rhs_is_term) CheckTerm(expect.rhs_term);
    }
    CheckOutcome();
  }

  const SymbolTable& symbols() const { return symbols_; }

 private:
  void CheckDeclarations();
  void CheckStack(StackId id);
  void CheckCard(const StackDecl& stack, const Card& card);
  void CheckRange(const Card& card, int64_t max, std::string_view unit);
  std::optional<TermRef> CheckTerm(const Term& term);
  void CheckOutcome();

  // Reports a name that resolves to nothing, unless the name was written on
  // a line that failed to parse (its declaration may be that line).
  void UnknownName(std::string_view name, SourcePos pos, std::string message);
  // "; did you mean ...?" for a misspelled shared variable, stack (other
  // than `except`) or register of `stack`; "" when nothing is close. Only
  // computed while errors are still kept.
  std::string SuggestShared(std::string_view name) const;
  std::string SuggestStack(std::string_view name, std::string_view except = {}) const;
  std::string SuggestRegister(StackId stack, std::string_view name) const;
  std::string SuggestTerm(const Term& term, ResolvedTerm::Problem problem) const;

  const Deck& deck_;
  SymbolTable symbols_;
  DiagnosticSink& sink_;
  const std::unordered_set<std::string_view> broken_;
};

void Checker::UnknownName(std::string_view name, SourcePos pos, std::string message) {
  if (!broken_.contains(name)) sink_.Error(pos, std::move(message));
}

std::string Checker::SuggestShared(std::string_view name) const {
  if (sink_.overflowed()) return "";
  Closest closest(name, UserNameEdits(name));
  for (const SharedDecl& decl : deck_.shared) closest.Offer(decl.name.text);
  return closest.DidYouMean();
}

std::string Checker::SuggestStack(std::string_view name, std::string_view except) const {
  if (sink_.overflowed()) return "";
  Closest closest(name, UserNameEdits(name));
  for (const StackDecl& stack : deck_.stacks) {
    if (stack.name.text != except) closest.Offer(stack.name.text);
  }
  return closest.DidYouMean();
}

std::string Checker::SuggestRegister(StackId stack, std::string_view name) const {
  if (sink_.overflowed()) return "";
  Closest closest(name, UserNameEdits(name));
  for (const Name* reg : symbols_.Registers(stack)) closest.Offer(reg->text);
  if (!closest.best()) return "";
  return "; did you mean '" + std::string(deck_.stacks[stack].name.text) + "." +
         std::string(*closest.best()) + "'?";
}

std::string Checker::SuggestTerm(const Term& term, ResolvedTerm::Problem problem) const {
  if (sink_.overflowed()) return "";
  switch (problem) {
    case ResolvedTerm::Problem::kUnknownShared: {
      if (std::string shared = SuggestShared(term.name.text); !shared.empty()) return shared;
      // A register written without its stack: `expect a == 1` for `A.a`.
      for (StackId id = 0; id < deck_.stacks.size(); ++id) {
        if (symbols_.FindRegister(id, term.name.text)) {
          return "; did you mean '" + std::string(deck_.stacks[id].name.text) + "." +
                 std::string(term.name.text) + "'?";
        }
      }
      return "";
    }
    case ResolvedTerm::Problem::kUnknownStack: {
      Closest closest(term.stack.text, UserNameEdits(term.stack.text));
      for (const StackDecl& stack : deck_.stacks) closest.Offer(stack.name.text);
      if (!closest.best()) return "";
      return "; did you mean '" + std::string(*closest.best()) + "." + std::string(term.name.text) +
             "'?";
    }
    case ResolvedTerm::Problem::kUnknownRegister:
      return SuggestRegister(*symbols_.FindStack(term.stack.text), term.name.text);
    case ResolvedTerm::Problem::kNone:
      break;
  }
  return "";
}

void Checker::CheckDeclarations() {
  for (VarId id = 0; id < deck_.shared.size(); ++id) {
    const Name& name = deck_.shared[id].name;
    const VarId first = *symbols_.FindShared(name.text);
    if (first != id) {
      sink_.Error(name.pos, "shared variable " + Quoted(name.text) + " is already declared " +
                                AtLine(deck_.shared[first].pos.line));
    }
  }
  for (StackId id = 0; id < deck_.stacks.size(); ++id) {
    const Name& name = deck_.stacks[id].name;
    if (name.text.empty()) continue;  // a header that failed to parse
    const StackId first = *symbols_.FindStack(name.text);
    if (first != id) {
      sink_.Error(name.pos, "stack " + Quoted(name.text) + " is already declared " +
                                AtLine(deck_.stacks[first].pos.line));
    }
  }
  if (deck_.stacks.empty() && deck_.complete) {
    sink_.Error({1, 1},
                "the deck has no stacks; declare one with 'stack NAME:' followed by"
                " indented cards");
  }
}

void Checker::CheckStack(StackId id) {
  const StackDecl& stack = deck_.stacks[id];
  for (const Name* reg : symbols_.Registers(id)) {
    if (std::optional<VarId> var = symbols_.FindShared(reg->text)) {
      sink_.Error(reg->pos, "register " + Quoted(reg->text) + " of stack " +
                                Quoted(stack.name.text) + " has the name of a shared variable " +
                                AtLine(deck_.shared[*var].pos.line) + "; rename the register");
    }
  }
  // Every copy of a repeated card has the same names and ranges: check the
  // first copy only, so that a mistake is reported once and not per iteration.
  for (const Card& card : stack.cards) {
    if (deck_.iterations[card.iteration].first) CheckCard(stack, card);
  }
}

void Checker::CheckCard(const StackDecl& stack, const Card& card) {
  switch (card.op) {
    case Op::kRead:
    case Op::kWrite:
      if (!symbols_.FindShared(card.target.text)) {
        std::string hint = SuggestShared(card.target.text);
        if (hint.empty())
          hint = " (declare it with 'shared " + std::string(card.target.text) + "')";
        UnknownName(card.target.text, card.target.pos,
                    "unknown shared variable " + Quoted(card.target.text) + hint);
      }
      break;
    case Op::kNotify:
    case Op::kAwait: {
      const char* verb = card.op == Op::kNotify ? "notify" : "await";
      if (card.target.text == stack.name.text) {
        sink_.Error(card.target.pos,
                    "stack " + Quoted(stack.name.text) + " cannot " + verb + " itself");
      } else if (!symbols_.FindStack(card.target.text)) {
        UnknownName(card.target.text, card.target.pos,
                    "'" + std::string(verb) + "' names unknown stack " + Quoted(card.target.text) +
                        SuggestStack(card.target.text, stack.name.text));
      }
      break;
    }
    case Op::kWork:
      CheckRange(card, kMaxWorkMicros, "microseconds");
      break;
    case Op::kSleep:
      CheckRange(card, kMaxSleepMillis, "milliseconds");
      break;
    default:
      break;
  }
}

void Checker::CheckRange(const Card& card, int64_t max, std::string_view unit) {
  const int64_t n = card.value.literal;
  if (n >= 1 && n <= max) return;
  sink_.Error(card.value.pos(), "'" + std::string(card.op == Op::kWork ? "work" : "sleep") +
                                    "' takes 1 to " + std::to_string(max) + " " +
                                    std::string(unit) + ", not " + std::to_string(n));
}

std::optional<TermRef> Checker::CheckTerm(const Term& term) {
  ResolvedTerm resolved = symbols_.Resolve(term);
  if (resolved.ref) return std::move(resolved.ref);
  const std::string_view name =
      resolved.problem == ResolvedTerm::Problem::kUnknownStack ? term.stack.text : term.name.text;
  std::string message = std::move(resolved.error);
  if (std::string hint = SuggestTerm(term, resolved.problem); !hint.empty()) {
    // The hint replaces the advice in parentheses, which guesses the intent.
    if (const size_t paren = message.find(" ("); paren != std::string::npos) message.resize(paren);
    message += hint;
  }
  UnknownName(name, resolved.error_pos, std::move(message));
  return std::nullopt;
}

void Checker::CheckOutcome() {
  for (size_t i = 1; i < deck_.outcomes.size(); ++i) {
    sink_.Error(deck_.outcomes[i].pos, "only one 'outcome' line is allowed (the first is at line " +
                                           std::to_string(deck_.outcomes[0].pos.line) + ")");
  }
  if (deck_.outcomes.empty()) return;
  std::unordered_set<std::string> seen;
  for (const Term& term : deck_.outcomes[0].terms) {
    const std::optional<TermRef> ref = CheckTerm(term);
    if (ref && !seen.insert(ref->label).second) {
      sink_.Error(term.pos, Quoted(ref->label) + " appears twice in the outcome");
    }
  }
}

}  // namespace

void CheckDeck(const Deck& deck, Ordering ordering, DiagnosticSink& sink) {
  CheckDeckLimits(deck, sink);
  Checker checker(deck, sink);
  checker.CheckNames();
  if (ordering == Ordering::kCallbacks && deck.complete && sink.empty()) {
    CheckCallbackOrder(deck, checker.symbols(), sink);
  }
}

std::vector<Diagnostic> CheckDeck(const Deck& deck, Ordering ordering) {
  DiagnosticSink sink(deck.file);
  CheckDeck(deck, ordering, sink);
  return std::move(sink).Take();
}

}  // namespace cardflow
