#include "common/deck/checker.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "common/deck/callback_order.h"
#include "common/deck/diagnostic_sink.h"
#include "common/deck/lexer.h"
#include "common/deck/symbol_table.h"

namespace cardflow {
namespace {

constexpr int64_t kMaxWorkMicros = 10'000'000;
constexpr int64_t kMaxSleepMillis = 600'000;

std::string AtLine(int line) { return "(line " + std::to_string(line) + ")"; }

class Checker {
 public:
  Checker(const Deck& deck, DiagnosticSink& sink) : deck_(deck), symbols_(deck), sink_(sink) {}

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

  const Deck& deck_;
  SymbolTable symbols_;
  DiagnosticSink& sink_;
};

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
    const StackId first = *symbols_.FindStack(name.text);
    if (first != id) {
      sink_.Error(name.pos, "stack " + Quoted(name.text) + " is already declared " +
                                AtLine(deck_.stacks[first].pos.line));
    }
  }
  if (deck_.stacks.empty()) {
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
  for (const Card& card : stack.cards) CheckCard(stack, card);
}

void Checker::CheckCard(const StackDecl& stack, const Card& card) {
  switch (card.op) {
    case Op::kRead:
    case Op::kWrite:
      if (!symbols_.FindShared(card.target.text)) {
        sink_.Error(card.target.pos, "unknown shared variable " + Quoted(card.target.text) +
                                         " (declare it with 'shared " +
                                         std::string(card.target.text) + "')");
      }
      break;
    case Op::kNotify:
    case Op::kAwait: {
      const char* verb = card.op == Op::kNotify ? "notify" : "await";
      if (card.target.text == stack.name.text) {
        sink_.Error(card.target.pos,
                    "stack " + Quoted(stack.name.text) + " cannot " + verb + " itself");
      } else if (!symbols_.FindStack(card.target.text)) {
        sink_.Error(card.target.pos,
                    "'" + std::string(verb) + "' names unknown stack " + Quoted(card.target.text));
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
  sink_.Error(card.value.pos, "'" + std::string(card.op == Op::kWork ? "work" : "sleep") +
                                  "' takes 1 to " + std::to_string(max) + " " + std::string(unit) +
                                  ", not " + std::to_string(n));
}

std::optional<TermRef> Checker::CheckTerm(const Term& term) {
  ResolvedTerm resolved = symbols_.Resolve(term);
  if (!resolved.ref) sink_.Error(resolved.error_pos, std::move(resolved.error));
  return std::move(resolved.ref);
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

std::vector<Diagnostic> CheckDeck(const Deck& deck, Ordering ordering) {
  DiagnosticSink sink(deck.file);
  Checker checker(deck, sink);
  checker.CheckNames();
  if (ordering == Ordering::kCallbacks && sink.empty()) {
    CheckCallbackOrder(deck, checker.symbols(), sink);
  }
  return std::move(sink).Take();
}

}  // namespace cardflow
