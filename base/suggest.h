// Closest: the "did you mean" of deck diagnostics and command lines.
//
// Offered one candidate at a time, a Closest keeps the candidate nearest to
// a misspelled word, counting one insertion, deletion, substitution or swap
// of adjacent characters as one edit and ignoring case. A candidate counts
// only when it is within `max_edits` edits (see UserNameEdits() and
// KeywordEdits()); among equally close ones the first offered wins, so the
// suggestion follows declaration order and is deterministic.
//
// Cost: O(|word| * |candidate|) per candidate within reach, O(1) for one
// whose length alone puts it out of reach. Not thread-safe; cheap to make.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cardflow {

class Closest {
 public:
  Closest(std::string_view word, size_t max_edits) : word_(word), best_edits_(max_edits + 1) {}

  // `candidate` must outlive the Closest when it becomes the best one.
  // True when it did (it is closer than every earlier candidate).
  bool Offer(std::string_view candidate);

  // The best candidate offered, if any was within reach.
  std::optional<std::string_view> best() const { return best_; }

  // "; did you mean 'X'?" with the best candidate, or "" when there is none.
  std::string DidYouMean() const;

 private:
  std::string_view word_;
  size_t best_edits_;
  std::optional<std::string_view> best_;
};

// How far a misspelled name the user chose may be from a suggestion: none
// for one or two characters (any other short name is as close as the right
// one; only a change of case is offered), then one edit per three characters.
inline size_t UserNameEdits(std::string_view word) { return word.size() / 3; }

// The same for keywords (cards, statements), a short fixed list: one edit
// even for short words (`ad` -> `add`), then one per three characters.
inline size_t KeywordEdits(std::string_view word) { return word.size() < 3 ? 1 : word.size() / 3; }

}  // namespace cardflow
