#include "common/deck/unroll.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "common/deck/lexer.h"

namespace cardflow {
namespace {

// Unrolls one stack. Repeats are visited in source order, so the next one
// not yet visited is the first nested in (or following) the current range.
class StackUnroller {
 public:
  StackUnroller(const StackDecl& stack, std::vector<Iteration>& iterations)
      : stack_(stack), iterations_(iterations) {}

  // The unrolled size, saturating just above kMaxCardsPerStack.
  uint64_t Size() {
    next_ = 0;
    return SizeOf(0, static_cast<uint32_t>(stack_.cards.size()));
  }

  std::vector<Card> Unroll(uint64_t size) {
    next_ = 0;
    std::vector<Card> out;
    out.reserve(size);
    Emit(0, static_cast<uint32_t>(stack_.cards.size()), kNoIteration, out);
    return out;
  }

 private:
  static uint64_t Saturate(uint64_t n) { return std::min<uint64_t>(n, kMaxCardsPerStack + 1); }

  uint64_t SizeOf(uint32_t begin, uint32_t end) {
    uint64_t total = 0;
    uint32_t i = begin;
    while (next_ < stack_.repeats.size() && stack_.repeats[next_].begin < end) {
      const RepeatDecl& repeat = stack_.repeats[next_++];
      total += repeat.begin > i ? repeat.begin - i : 0;
      total = Saturate(
          total + Saturate(SizeOf(repeat.begin, repeat.end) * static_cast<uint64_t>(repeat.count)));
      i = repeat.end;
    }
    return Saturate(total + (end - std::min(i, end)));
  }

  void Copy(uint32_t begin, uint32_t end, uint32_t iteration, std::vector<Card>& out) {
    for (uint32_t i = begin; i < end; ++i) {
      out.push_back(stack_.cards[i]);
      out.back().iteration = iteration;
    }
  }

  void Emit(uint32_t begin, uint32_t end, uint32_t iteration, std::vector<Card>& out) {
    uint32_t i = begin;
    while (next_ < stack_.repeats.size() && stack_.repeats[next_].begin < end) {
      const RepeatDecl& repeat = stack_.repeats[next_++];
      Copy(i, repeat.begin, iteration, out);
      const size_t body_start = next_;
      for (int64_t n = 1; n <= repeat.count; ++n) {
        next_ = body_start;  // every iteration visits the same nested repeats
        const bool first = n == 1 && iterations_[iteration].first;
        iterations_.push_back(
            Iteration{repeat.pos.line, static_cast<uint32_t>(n), iteration, first});
        Emit(repeat.begin, repeat.end, static_cast<uint32_t>(iterations_.size() - 1), out);
      }
      i = repeat.end;
    }
    Copy(std::min(i, end), end, iteration, out);
  }

  const StackDecl& stack_;
  std::vector<Iteration>& iterations_;
  size_t next_ = 0;  // the next repeat of stack_ to visit
};

}  // namespace

void UnrollDeck(Deck& deck, DiagnosticSink& sink) {
  // Every size first, so that a deck past kMaxDeckCards is reported before
  // any stack is unrolled: its cards never take memory.
  std::vector<uint64_t> sizes;
  sizes.reserve(deck.stacks.size());
  uint64_t deck_cards = 0;
  bool deck_fits = true;
  for (StackDecl& stack : deck.stacks) {
    const bool repeats = !stack.repeats.empty();
    sizes.push_back(repeats ? StackUnroller(stack, deck.iterations).Size() : stack.cards.size());
    if (sizes.back() > kMaxCardsPerStack) {
      sink.Error(stack.name.pos,
                 "stack " + Quoted(stack.name.text) + " has more than " +
                     std::to_string(kMaxCardsPerStack) +
                     (repeats ? " cards once its repeats are unrolled; repeat fewer times"
                              : " cards; split it into several stacks"));
      continue;
    }
    deck_cards += sizes.back();
    if (deck_fits && deck_cards > kMaxDeckCards) {
      deck_fits = false;
      sink.Error(stack.name.pos, "stack " + Quoted(stack.name.text) + " takes the deck past " +
                                     std::to_string(kMaxDeckCards) +
                                     " cards once repeats are unrolled, the most a deck may "
                                     "hold; repeat fewer times or split the deck");
    }
  }
  for (size_t i = 0; i < deck.stacks.size(); ++i) {
    StackDecl& stack = deck.stacks[i];
    if (deck_fits && !stack.repeats.empty() && sizes[i] <= kMaxCardsPerStack) {
      stack.cards = StackUnroller(stack, deck.iterations).Unroll(sizes[i]);
    }
    std::vector<RepeatDecl>().swap(stack.repeats);
  }
}

std::string IterationText(const Deck& deck, uint32_t iteration) {
  std::string out;
  for (uint32_t i = iteration; i != kNoIteration; i = deck.iterations[i].parent) {
    std::string number = std::to_string(deck.iterations[i].number);
    out = out.empty() ? std::move(number) : number + "." + out;
  }
  return out;
}

std::string Where(const Deck& deck, const Card& card) {
  std::string out = "line " + std::to_string(card.pos.line);
  if (card.iteration != kNoIteration) out += ", iteration " + IterationText(deck, card.iteration);
  return out;
}

std::string InIteration(const Deck& deck, const Card& card) {
  if (card.iteration == kNoIteration) return "";
  return "in iteration " + IterationText(deck, card.iteration) + ": ";
}

}  // namespace cardflow
