#include "common/report/report.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/schedule/schedule_text.h"

namespace cardflow {

ReportBuilder::ReportBuilder(const Program& program, Ordering ordering, uint64_t seed,
                             std::vector<std::pair<std::string, std::string>> placement)
    : program_(&program) {
  report_.deck = program.file;
  report_.ordering = ordering;
  report_.seed = seed;
  // Stacks in deck order; names the deck does not have sort last.
  std::unordered_map<std::string_view, size_t> rank;
  for (size_t i = 0; i < program.stacks.size(); ++i) rank.emplace(program.stacks[i].name, i);
  const auto rank_of = [&](const std::string& name) {
    const auto it = rank.find(name);
    return it == rank.end() ? program.stacks.size() : it->second;
  };
  std::stable_sort(placement.begin(), placement.end(), [&](const auto& a, const auto& b) {
    return rank_of(a.first) < rank_of(b.first);
  });
  report_.placement = std::move(placement);
  for (const TermRef& term : program.outcome) report_.terms.push_back(term.label);
  for (const Expectation& e : program.expects) report_.expects.push_back(e.text);
}

void ReportBuilder::Add(const RunResult& result) {
  ++report_.runs;
  if (result.order_violation) ++report_.order_violations;
  if (result.error.has_value()) {
    ++report_.run_errors;
    errors_.emplace_back(result.seed, result.error->message);
    // Keep only the lowest seeds, so the list does not depend on arrival order.
    std::sort(errors_.begin(), errors_.end());
    if (errors_.size() > kMaxListedErrors) errors_.pop_back();
    return;
  }
  if (!result.expect_ok) ++report_.expect_failures;
  auto it = std::lower_bound(
      tallies_.begin(), tallies_.end(), result.values,
      [](const auto& tally, const std::vector<int64_t>& values) { return tally.first < values; });
  if (it == tallies_.end() || it->first != result.values) {
    it = tallies_.insert(it, {result.values, Tally{0, true, result.seed, result.schedule}});
  } else if (result.seed < it->second.seed) {
    it->second.seed = result.seed;
    it->second.schedule = result.schedule;
  }
  ++it->second.count;
  it->second.expect = it->second.expect && result.expect_ok;
}

void ReportBuilder::AddMoved(std::string stack) { report_.moved.push_back(std::move(stack)); }

void ReportBuilder::AddReplaced(std::string stack) { report_.replaced.push_back(std::move(stack)); }

void ReportBuilder::AddRejoined(std::string node) { report_.rejoined.push_back(std::move(node)); }

void ReportBuilder::AddUnreachable(std::string why) {
  report_.unreachable.push_back(std::move(why));
}

Report ReportBuilder::Finish(double wall_seconds) && {
  report_.outcomes.reserve(tallies_.size());
  for (auto& [values, tally] : tallies_) {
    report_.outcomes.push_back(OutcomeCount{std::move(values), tally.count, tally.expect,
                                            tally.seed, FormatSchedule(*program_, tally.schedule)});
  }
  // tallies_ is sorted by values, so a stable sort by count keeps ties ascending.
  std::stable_sort(report_.outcomes.begin(), report_.outcomes.end(),
                   [](const OutcomeCount& a, const OutcomeCount& b) { return a.count > b.count; });
  for (const auto& [seed, message] : errors_) {
    // Run i (counted from 1, as people count: "run 1 of 3") has seed
    // `seed + i - 1`; unsigned arithmetic wraps the same way.
    report_.errors.push_back("run " + std::to_string(seed - report_.seed + 1) + " (seed " +
                             std::to_string(seed) + "): " + message);
  }
  report_.wall_seconds = wall_seconds;
  return std::move(report_);
}

int ReportExitCode(const Report& report) {
  const bool all_fine = report.expect_failures == 0 && report.order_violations == 0 &&
                        report.run_errors == 0 &&
                        (!report.reachable || report.reachable->impossible.empty());
  return all_fine ? 0 : 1;
}

}  // namespace cardflow
