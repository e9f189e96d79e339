// Test helper: real runs of example decks, ready for the exports.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/local/local_runner.h"
#include "common/schedule/schedule_text.h"
#include "common/trace/html_report.h"
#include "tests/local/deck_fixture.h"

namespace cardflow::testing {

// The first seed from `seed` on (at most `tries`) whose run broke an expect,
// so the naive picture shows what goes wrong; `seed` when none did.
inline uint64_t FirstFailingSeed(const Program& program, Ordering ordering, uint64_t seed,
                                 uint64_t tries = 100) {
  for (uint64_t s = seed; s < seed + tries; ++s) {
    const RunResult run = RunLocalOnce(program, ordering, s);
    if (run.error || !run.expect_ok) return s;
  }
  return seed;
}

// Each outcome's witness replayed from its schedule, as
// coordinator/witness_runs.h does for the coordinator's pages.
inline std::vector<std::optional<RunResult>> WitnessesOf(const Program& program,
                                                         const Report& report) {
  std::vector<std::optional<RunResult>> runs;
  for (const OutcomeCount& outcome : report.outcomes) {
    StatusOr<ScheduleText> schedule = ParseSchedule(program, outcome.schedule, "witness");
    if (!schedule.ok()) {
      runs.emplace_back();
      continue;
    }
    runs.push_back(RunLocalOnce(program, report.ordering, outcome.seed, 1, {}, schedule->steps));
  }
  return runs;
}

// One section per ordering mode: `runs` local runs from seed 1, and one
// sample run (naive: the first one that fails).
inline std::vector<HtmlSection> NaiveAndCallbacks(const std::string& deck, uint64_t runs = 200) {
  std::vector<HtmlSection> sections;
  for (Ordering ordering : {Ordering::kNone, Ordering::kCallbacks}) {
    const Program program = MustLoadExample(deck, ordering);
    LocalOptions options;
    options.ordering = ordering;
    options.runs = runs;
    options.seed = 1;
    HtmlSection section;
    section.title =
        ordering == Ordering::kNone ? "--ordering none (naive)" : "--ordering callbacks";
    section.report = RunLocal(program, options);
    const uint64_t seed = ordering == Ordering::kNone ? FirstFailingSeed(program, ordering, 1) : 1;
    section.sample = RunLocalOnce(program, ordering, seed);
    section.witnesses = WitnessesOf(program, section.report);
    sections.push_back(std::move(section));
  }
  return sections;
}

}  // namespace cardflow::testing
