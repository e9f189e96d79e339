// Schedules as text: parse, format, and the spec's errors for bad ones.
#include "common/schedule/schedule_text.h"

#include <gtest/gtest.h>

#include <string>

#include "common/local/local_runner.h"
#include "common/report/report.h"
#include "tests/litmus_decks.h"
#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

using testing::MustLoad;

// The message of checking `text` as a schedule of transfer.deck.
std::string Error(const std::string& text, Ordering ordering = Ordering::kNone) {
  const Program program = MustLoad(testing::kTransferDeck, ordering);
  StatusOr<ScheduleText> parsed = ParseSchedule(program, text, "t.schedule");
  if (!parsed.ok()) return parsed.status().message();
  const Status checked = CheckSchedule(program, ordering, *parsed, "t.schedule");
  return checked.ok() ? "ok" : checked.message();
}

TEST(ScheduleTextTest, AFileThatCannotBeReadSaysWhy) {
  const Program program = MustLoad(testing::kTransferDeck, Ordering::kNone);
  const std::string missing = ::testing::TempDir() + "no-such.schedule";
  EXPECT_EQ(LoadScheduleFile(program, Ordering::kNone, missing).status().message(),
            missing + ": error: cannot read the schedule file: No such file or directory");
  EXPECT_EQ(LoadScheduleFile(program, Ordering::kNone, ::testing::TempDir()).status().message(),
            ::testing::TempDir() + ": error: cannot read the schedule file: it is a directory");
}

TEST(ScheduleTextTest, TheSpecsExampleIsValidWithComments) {
  EXPECT_EQ(Error("# lost update\nB       # await A\nB\nA\nA\nB\nA  # notify B\n"), "ok");
  EXPECT_EQ(Error("A A A A>B B B B", Ordering::kCallbacks), "ok");
}

// A card in a `repeat` is named as run errors name it: line and iteration.
TEST(ScheduleTextTest, AWaitInARepeatNamesItsIteration) {
  const Program program = MustLoad(
      "stack A:\n    repeat 2:\n        notify B\nstack B:\n    repeat 2:\n        await A\n",
      Ordering::kCallbacks);
  StatusOr<ScheduleText> parsed = ParseSchedule(program, "A A>B B B", "t.schedule");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(CheckSchedule(program, Ordering::kCallbacks, *parsed, "t.schedule").message(),
            "t.schedule:1: error: step 4 'B': stack B waits at `await A` (line 6, iteration 2) "
            "and no callback from A has arrived (this is --ordering callbacks; a schedule from "
            "--ordering none needs --ordering none)");
}

TEST(ScheduleTextTest, BadStepsSayWhereAndWhy) {
  EXPECT_EQ(Error("A\nA\nB>A\n"),
            "t.schedule:3: error: step 3 'B>A': B never notifies A, so no callback can travel "
            "from B to A");
  EXPECT_EQ(Error("A A>B\n"),
            "t.schedule:1: error: step 2 'A>B': no callback from A to B is in "
            "flight");
  EXPECT_EQ(Error("A Q"), "t.schedule:1: error: step 2 'Q': no stack is named Q");
  EXPECT_EQ(Error("a"), "t.schedule:1: error: step 1 'a': no stack is named a; did you mean 'A'?");
  EXPECT_EQ(Error("A A>b"),
            "t.schedule:1: error: step 2 'A>b': no stack is named b; did you mean 'B'?");
  EXPECT_EQ(Error("schedule: B B A B A A"),
            "t.schedule:1: error: step 1 'schedule:': no stack is named schedule: (copy the "
            "steps after `schedule:`, not the label)");
  EXPECT_EQ(Error("A>"),
            "t.schedule:1: error: step 1 'A>': a step is a stack name `A` or an "
            "arrival `A>B`");
  EXPECT_EQ(Error("B", Ordering::kCallbacks),
            "t.schedule:1: error: step 1 'B': stack B waits at `await A` (line 11) and no "
            "callback from A has arrived (this is --ordering callbacks; a schedule from "
            "--ordering none needs --ordering none)");
  EXPECT_EQ(Error("A A A A"), "t.schedule:1: error: step 4 'A': stack A has ended");
  EXPECT_EQ(Error("A A A B B B B"),
            "t.schedule:1: error: step 7 'B': the run is over: every stack has ended");
  EXPECT_EQ(Error(std::string("A\nB\0\x01", 5)),
            "t.schedule:2: error: not a schedule: binary data (byte 0x00 at offset 3)");
  EXPECT_EQ(Error("A \xff"),
            "t.schedule:1: error: not a schedule: binary data (byte 0xff at offset 2)");
}

TEST(ScheduleTextTest, FormatParsesBack) {
  const Program program = MustLoad(testing::kTransferDeck);
  const Schedule schedule = {Step::OfStack(0), Step::OfStack(0), Step::OfStack(0), Step::Arrival(0),
                             Step::OfStack(1)};
  EXPECT_EQ(FormatSchedule(program, schedule), "A A A A>B B");
  StatusOr<ScheduleText> parsed = ParseSchedule(program, "A A A A>B B", "x");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->steps, schedule);
}

// Every outcome of a 2,000-run report carries a schedule that replays, on a
// run of its own, to that outcome.
TEST(ScheduleTextTest, EveryWitnessOfARunReportReplays) {
  for (Ordering ordering : {Ordering::kNone, Ordering::kCallbacks}) {
    const Program program = MustLoad(testing::kTransferDeck, ordering);
    LocalOptions options;
    options.ordering = ordering;
    options.runs = 2000;
    options.threads = 2;
    const Report report = RunLocal(program, options);
    ASSERT_EQ(report.outcomes.size(), ordering == Ordering::kNone ? 4u : 1u);
    for (const OutcomeCount& outcome : report.outcomes) {
      StatusOr<ScheduleText> parsed = ParseSchedule(program, outcome.schedule, "w");
      ASSERT_TRUE(parsed.ok()) << parsed.status().message();
      ASSERT_TRUE(CheckSchedule(program, ordering, *parsed, "w").ok()) << outcome.schedule;
      // A different seed: the schedule alone decides the run.
      const RunResult run =
          RunLocalOnce(program, ordering, outcome.seed + 99, 2, {}, parsed->steps);
      EXPECT_EQ(run.values, outcome.values) << outcome.schedule;
      EXPECT_EQ(FormatSchedule(program, run.schedule), outcome.schedule);
      // The seed alone replays it too.
      EXPECT_EQ(FormatSchedule(program, RunLocalOnce(program, ordering, outcome.seed).schedule),
                outcome.schedule);
    }
  }
}

// A prefix: every run takes it, the seed picks the rest.
TEST(ScheduleTextTest, APrefixStartsEveryRun) {
  const Program program = MustLoad(testing::kTransferDeck, Ordering::kNone);
  LocalOptions options;
  options.ordering = Ordering::kNone;
  options.runs = 300;
  options.prefix = {Step::OfStack(1), Step::OfStack(1)};  // B misses A, reads 100
  const Report report = RunLocal(program, options);
  for (const OutcomeCount& outcome : report.outcomes) {
    EXPECT_EQ(outcome.schedule.rfind("B B", 0), 0u) << outcome.schedule;
    EXPECT_NE(outcome.values[0], 300);  // B's read came first: 300 is out of reach
  }
  EXPECT_GE(report.outcomes.size(), 2u);
}

}  // namespace
}  // namespace cardflow
