// The notes `run --format text` prints above its report: print lines of the
// drawn run, and the hint that names the `outcome` line.
#include "coordinator/run_notes.h"

#include <gtest/gtest.h>

#include "common/deck/load.h"
#include "common/local/local_runner.h"

namespace cardflow {
namespace {

Program MustLoad(std::string_view text) {
  LoadResult loaded = LoadDeck(text, "t.deck", Ordering::kCallbacks);
  EXPECT_TRUE(loaded.program.has_value()) << FormatDiagnostics(loaded.errors);
  return loaded.program ? std::move(*loaded.program) : Program{};
}

TEST(RunNotesTest, PrintLinesOfALocalRunInTheOrderPrinted) {
  const Program program = MustLoad(
      "shared s\nstack A:\n    set a 5\n    print a\n    notify B\nstack B:\n    await A\n"
      "    print 7\n    print -1\n");
  const RunResult run = RunLocalOnce(program, Ordering::kCallbacks, 3);
  EXPECT_EQ(PrintLines(program, run),
            "print lines of the run with seed 3:\n  A: 5\n  B: 7\n  B: -1\n");
  // A run the nodes made has no log, only events: the same lines.
  RunResult remote = run;
  remote.log.clear();
  EXPECT_EQ(PrintLines(program, remote), PrintLines(program, run));
}

TEST(RunNotesTest, NothingForADeckWithoutPrintCards) {
  const Program program = MustLoad("stack A:\n    set a 1\n");
  EXPECT_FALSE(HasPrints(program));
  EXPECT_EQ(PrintLines(program, RunLocalOnce(program, Ordering::kCallbacks, 1)), "");
}

Report WithOutcomes(std::vector<std::string> terms, std::vector<std::vector<int64_t>> values) {
  Report report;
  report.terms = std::move(terms);
  for (auto& v : values) report.outcomes.push_back(OutcomeCount{std::move(v), 1, true});
  return report;
}

TEST(RunNotesTest, HintNamesTheOutcomeLineWhenRegistersMultiplyOutcomes) {
  std::vector<std::vector<int64_t>> values;
  for (int64_t i = 0; i < 12; ++i) values.push_back({i % 3, 0, i});
  EXPECT_EQ(OutcomeHint(WithOutcomes({"x", "y", "A.a"}, values)),
            "hint: 12 distinct outcomes but only 3 distinct values of x and y: the registers "
            "make the rest. An `outcome` line in the deck says which values make an outcome, "
            "e.g. `outcome x, y`\n");
}

TEST(RunNotesTest, NoHintForFewOutcomesOrWhenTheSharedValuesDiffer) {
  std::vector<std::vector<int64_t>> few, distinct;
  for (int64_t i = 0; i < 10; ++i) few.push_back({0, i});
  for (int64_t i = 0; i < 12; ++i) distinct.push_back({i, i});
  EXPECT_EQ(OutcomeHint(WithOutcomes({"x", "A.a"}, few)), "");
  EXPECT_EQ(OutcomeHint(WithOutcomes({"x", "A.a"}, distinct)), "");
  EXPECT_EQ(OutcomeHint(WithOutcomes({"A.a", "B.b"}, distinct)), "");
}

}  // namespace
}  // namespace cardflow
