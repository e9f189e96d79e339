#include "common/check/reachable.h"

#include <algorithm>

#include "common/check/explorer.h"

namespace cardflow {

std::optional<Reachability> CompareWithReachable(const Program& program, Ordering ordering,
                                                 const Report& report, uint64_t max_states) {
  CheckOptions options;
  options.ordering = ordering;
  options.max_states = max_states;
  const CheckResult result = Explore(program, options);
  if (!result.complete) return std::nullopt;
  Reachability out;
  out.outcomes = result.outcomes.size();
  std::vector<std::vector<int64_t>> seen;
  for (const OutcomeCount& outcome : report.outcomes) seen.push_back(outcome.values);
  std::sort(seen.begin(), seen.end());
  for (const CheckOutcome& outcome : result.outcomes) {  // by values ascending
    if (!std::binary_search(seen.begin(), seen.end(), outcome.values)) {
      out.unseen.push_back(outcome.values);
    }
  }
  for (const std::vector<int64_t>& values : seen) {
    const bool reachable = std::any_of(result.outcomes.begin(), result.outcomes.end(),
                                       [&](const CheckOutcome& o) { return o.values == values; });
    if (!reachable) out.impossible.push_back(values);
  }
  return out;
}

}  // namespace cardflow
