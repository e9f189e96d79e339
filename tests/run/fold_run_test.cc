// FoldRun: one judgement of a finished run for every placement. Hand-made
// run ends pin the places where local and remote runs used to disagree: a
// broken happens-before rule is a run error (exit 1) wherever it happens, a
// run that stopped on a run error is still checked for order violations,
// print lines come from the events, and a run error reads the same.
#include "common/run/fold_run.h"

#include <gtest/gtest.h>

#include "common/report/report.h"
#include "common/schedule/schedule_text.h"
#include "tests/litmus_decks.h"
#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

using testing::MustLoad;

// kMissedDeck: A notifies B (card 1) and writes flag (card 2); B reads flag
// (card 1) and awaits A (card 2).
Event Send(uint64_t lamport) {
  Event e;
  e.kind = EventKind::kSend;
  e.stack = 0;
  e.value = 7;
  e.seq = 1;
  e.set_channel(0);
  e.pc = 0;
  e.lamport = lamport;
  return e;
}
Event Arrive(uint64_t lamport) {
  Event e = Send(lamport);
  e.kind = EventKind::kArrive;
  e.stack = 1;
  return e;
}
Event Await(uint32_t seq, uint64_t lamport) {
  Event e;
  e.kind = EventKind::kAwait;
  e.stack = 1;
  e.seq = seq;
  e.value = seq == 0 ? 0 : 7;
  e.set_channel(0);
  e.pc = 1;
  e.lamport = lamport;
  return e;
}
Event Read(uint64_t lamport) {
  Event e;
  e.kind = EventKind::kRead;
  e.stack = 1;
  e.set_var(0);
  e.pc = 0;
  e.lamport = lamport;
  return e;
}
Event Write(uint64_t lamport) {
  Event e;
  e.kind = EventKind::kWrite;
  e.stack = 0;
  e.set_var(0);
  e.value = 1;
  e.pc = 1;
  e.lamport = lamport;
  return e;
}

RunEnd Completed(std::vector<Event> events) {
  RunEnd end;
  end.seed = 5;
  end.state.shared = {1};
  end.state.registers = {{}, {0, 7}};
  end.events = std::move(events);
  return end;
}

TEST(FoldRunTest, ACompletedRunHasItsOutcomeAndItsScheduleReadBackFromEvents) {
  const Program program = MustLoad(testing::kMissedDeck, Ordering::kNone);
  const StepPlan plan(program);
  const RunResult run =
      FoldRun(program, plan, Completed({Read(1), Send(2), Write(3), Arrive(4), Await(1, 5)}),
              /*keep_events=*/false);
  ASSERT_FALSE(run.error);
  EXPECT_EQ(run.values, (std::vector<int64_t>{0, 7}));
  EXPECT_FALSE(run.order_violation);
  EXPECT_EQ(FormatSchedule(program, run.schedule), "B A A A>B B");
  EXPECT_TRUE(run.events.empty());
}

// Remote runs used to turn this into a cluster fault (exit 3) and stop.
TEST(FoldRunTest, BrokenHappensBeforeIsARunErrorWherever) {
  const Program program = MustLoad(testing::kMissedDeck, Ordering::kNone);
  const StepPlan plan(program);
  // B consumes callback 1 before it arrived.
  const RunResult run = FoldRun(
      program, plan, Completed({Read(1), Send(2), Await(1, 3), Write(4), Arrive(5)}), false);
  ASSERT_TRUE(run.error);
  EXPECT_NE(run.error->message.find("internal error: run with seed 5 broke happens-before"),
            std::string::npos)
      << run.error->message;
  EXPECT_TRUE(run.values.empty());
  ReportBuilder builder(program, Ordering::kNone, 5, {{"A", "X"}, {"B", "Y"}});
  builder.Add(run);
  EXPECT_EQ(ReportExitCode(std::move(builder).Finish(0)), 1);
}

// Remote runs that stopped on a run error used to skip the verifier.
TEST(FoldRunTest, ARunStoppedByARunErrorIsStillCheckedForOrderViolations) {
  const Program program = MustLoad(testing::kMissedDeck, Ordering::kNone);
  const StepPlan plan(program);
  RunEnd end;
  end.seed = 9;
  end.stop = RunStop{0, 1, "overflow"};
  end.events = {Read(1), Await(0, 2), Send(3)};  // B missed A's callback; A then failed
  const RunResult run = FoldRun(program, plan, std::move(end), false);
  ASSERT_TRUE(run.error);
  EXPECT_TRUE(run.order_violation);
  // The words every placement uses.
  EXPECT_EQ(run.error->message, RunErrorMessage(program, 0, 1, "overflow"));
}

// Remote runs used to lose their print lines.
TEST(FoldRunTest, PrintLinesComeFromThePrintEventsInOrder) {
  const Program program = MustLoad("stack A:\n    print 1\nstack B:\n    print 2\n");
  const StepPlan plan(program);
  Event b;
  b.kind = EventKind::kPrint;
  b.stack = 1;
  b.value = 2;
  b.lamport = 1;
  Event a = b;
  a.stack = 0;
  a.value = 1;
  a.lamport = 2;
  RunEnd end;
  end.state.registers = {{}, {}};
  end.events = {b, a};
  const RunResult run = FoldRun(program, plan, std::move(end), /*keep_events=*/true);
  EXPECT_EQ(run.log, (std::vector<std::string>{"B: 2", "A: 1"}));
  EXPECT_EQ(run.events.size(), 2u);
  EXPECT_EQ(FormatSchedule(program, run.schedule), "B A");
}

TEST(FoldRunTest, ADeadlockReadsAsOne) {
  const Program program = MustLoad(testing::kMissedDeck, Ordering::kNone);
  const StepPlan plan(program);
  RunEnd end;
  end.stop = RunStop{1, 1, ""};
  const RunResult run = FoldRun(program, plan, std::move(end), false);
  ASSERT_TRUE(run.error);
  EXPECT_EQ(run.error->message, DeadlockMessage(program, 1, 1));
}

}  // namespace
}  // namespace cardflow
