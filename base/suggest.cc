#include "base/suggest.h"

#include <algorithm>
#include <vector>

namespace cardflow {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Optimal string alignment distance, ignoring case; any answer above `limit`
// is reported as limit + 1.
size_t Edits(std::string_view a, std::string_view b, size_t limit) {
  const size_t diff = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (diff > limit) return limit + 1;
  std::vector<size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    size_t row_min = current[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && Lower(a[i - 1]) == Lower(b[j - 2]) &&
          Lower(a[i - 2]) == Lower(b[j - 1])) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
      row_min = std::min(row_min, current[j]);
    }
    if (row_min > limit) return limit + 1;
    before.swap(previous);
    previous.swap(current);
  }
  return std::min(previous[b.size()], limit + 1);
}

}  // namespace

bool Closest::Offer(std::string_view candidate) {
  if (best_edits_ == 0 || candidate == word_) return false;
  const size_t edits = Edits(word_, candidate, best_edits_ - 1);
  if (edits >= best_edits_) return false;
  best_edits_ = edits;
  best_ = candidate;
  return true;
}

std::string Closest::DidYouMean() const {
  if (!best_) return "";
  return "; did you mean '" + std::string(*best_) + "'?";
}

}  // namespace cardflow
