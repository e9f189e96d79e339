// Report: the outcome of N runs, as DECK.md's "The run report" fixes it,
// and its two renderings (JSON and text) and exit status.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/deck/program.h"
#include "common/report/run_result.h"

namespace cardflow {

struct OutcomeCount {
  std::vector<int64_t> values;  // aligned with Report::terms
  uint64_t count = 0;
  // Every run that ended in these values met every `expect`. (An `expect` may
  // name a register that is not an outcome term, so runs with equal values can
  // disagree; then this is false.)
  bool expect = false;
  // The witness: the lowest seed that produced it and that run's schedule
  // (empty when the run did not record one), so it can be replayed.
  uint64_t seed = 0;
  std::string schedule;
};

// How the outcomes runs saw compare with every reachable one (`check`'s
// answer), when the deck was small enough to check.
struct Reachability {
  bool complete = true;
  uint64_t outcomes = 0;                     // reachable outcomes
  std::vector<std::vector<int64_t>> unseen;  // reachable, no run ended in them; by values
  // Outcomes runs ended in that `check` says no schedule reaches: always a
  // cardflow bug.
  std::vector<std::vector<int64_t>> impossible;
};

struct Report {
  std::string deck;
  Ordering ordering = Ordering::kCallbacks;
  std::vector<std::pair<std::string, std::string>>
      placement;  // stack -> "local" / node, deck order
  uint64_t runs = 0;
  uint64_t seed = 0;
  std::vector<std::string> terms;      // outcome term labels
  std::vector<std::string> expects;    // text of the `expect` lines; text only
  std::vector<OutcomeCount> outcomes;  // most frequent first, ties by values ascending
  uint64_t expect_failures = 0;        // completed runs that broke some `expect`
  uint64_t order_violations = 0;       // runs whose await missed its matching callback
  uint64_t run_errors = 0;             // runs stopped by a run error; not outcomes
  std::vector<std::string> errors;     // first few run errors by seed, "run 8 (seed 8): ..."
  // Stacks recovery moved off a dead node, "B: Y -> X": `moved` during a
  // run (the run went on with them elsewhere), `replaced` for the runs that
  // started while their node was down. The JSON's `moved` lists both.
  std::vector<std::string> moved;
  std::vector<std::string> replaced;
  // Nodes given up for dead that answered again before the last run, so
  // later runs placed their stacks there again, and were not lost again
  // since; text only.
  std::vector<std::string> rejoined;
  // Why each node that did not answer before the runs started did not (the
  // runs started without it; its stacks are in `replaced`); text only.
  std::vector<std::string> unreachable;
  std::optional<Reachability> reachable;  // set by the caller after Finish
  double wall_seconds = 0;                // text only; never in JSON (it would break byte-identity)
  // Who ordered the runs' steps: text only (the JSON of a seeded remote run
  // equals the local one's apart from `placement`).
  Shuffle shuffle = Shuffle::kSeeded;
};

// Folds RunResults into a Report. Results may come in any order; the report
// depends only on the set of results. Not thread-safe: one thread adds.
class ReportBuilder {
 public:
  // How many run errors Report::errors keeps (the count is always exact).
  static constexpr size_t kMaxListedErrors = 10;

  // `placement` is reordered into the deck's stack order.
  ReportBuilder(const Program& program, Ordering ordering, uint64_t seed,
                std::vector<std::pair<std::string, std::string>> placement);

  // Counts one run. A run with an error counts in run_errors only (its values
  // are not an outcome); an order violation counts whether or not it erred.
  void Add(const RunResult& result);

  // A stack recovery moved to another node during a run, and one placed
  // elsewhere for later runs ("B: Y -> X"), in the order they moved.
  void AddMoved(std::string stack);
  void AddReplaced(std::string stack);
  // A node given up for dead answered again (text only).
  void AddRejoined(std::string node);
  // A node that did not answer before the runs, and why (text only).
  void AddUnreachable(std::string why);

  Report Finish(double wall_seconds) &&;

 private:
  struct Tally {
    uint64_t count = 0;
    bool expect = false;
    uint64_t seed = 0;  // the lowest seed seen, and its run's schedule
    Schedule schedule;
  };
  const Program* program_;
  Report report_;
  std::vector<std::pair<std::vector<int64_t>, Tally>> tallies_;  // kept sorted by values
  std::vector<std::pair<uint64_t, std::string>> errors_;         // (seed, message)
};

// One JSON object with exactly DECK.md's keys in its order, laid out like its
// example (one key per line, one outcome per line), ending in a newline.
// "errors" follows "run_errors" only when there were run errors, "moved" only
// when recovery moved a stack (during a run or for later runs: DECK.md has
// one list, sorted, each stack move once). Depends only on the Report,
// never on time.
std::string ReportToJson(const Report& report);

// For people: a header line, a histogram of outcomes with counts, shares and
// ✓/✗ for the expects, the failure counts, run errors, and a last line that
// is the verdict ("PASS: ..." or "FAIL: ...").
std::string ReportToText(const Report& report);

// The histogram of ReportToText alone: a title line ("4 distinct outcomes over
// 2000 completed runs:"), then one line per outcome, most frequent first, at
// most 16 (the rest summed up in one line). Every line ends in a newline.
std::string ReportHistogram(const Report& report);

// The verdict alone, the last line of ReportToText (no newline).
std::string ReportVerdict(const Report& report);

// 0 every run fine, 1 some run failed an expect / had an order violation / a
// run error, or ended in an outcome `check` calls unreachable.
int ReportExitCode(const Report& report);

}  // namespace cardflow
