// Vector clocks on hand-made event histories (valid, concurrent, broken) and
// on real local runs.
#include "common/trace/vector_clock.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "common/local/local_runner.h"
#include "tests/litmus_decks.h"
#include "tests/local/deck_fixture.h"
#include "tests/trace/event_builder.h"

namespace cardflow {
namespace {

using testing::kTransferDeck;
using testing::MustLoad;
using testing::MustLoadExample;

TEST(VectorClockTest, TransferWithCallbackHasExactClocks) {
  const Program program = MustLoad(kTransferDeck);
  EventBuilder b(program);
  const std::vector<Event> events = {
      b.Read("A", "balance", 100, 0),   // 0
      b.Write("A", "balance", 150, 2),  // 1
      b.Send("A", "B", 1, 0, 3),        // 2
      b.Arrive("A", "B", 1, 0),         // 3
      b.Await("B", "A", 1, 0, 0),       // 4
      b.Read("B", "balance", 150, 1),   // 5
      b.Write("B", "balance", 300, 3),  // 6
  };
  const VectorClocks clocks(program, events);
  EXPECT_TRUE(clocks.anomalies().empty());
  // Lanes: A, B, A->B.
  EXPECT_EQ(clocks.clock(0), (VectorClock{1, 0, 0}));
  EXPECT_EQ(clocks.clock(1), (VectorClock{2, 0, 0}));
  EXPECT_EQ(clocks.clock(2), (VectorClock{3, 0, 0}));
  EXPECT_EQ(clocks.clock(3), (VectorClock{3, 0, 1}));
  EXPECT_EQ(clocks.clock(4), (VectorClock{3, 1, 1}));
  EXPECT_EQ(clocks.clock(5), (VectorClock{3, 2, 1}));
  EXPECT_EQ(clocks.clock(6), (VectorClock{3, 3, 1}));

  EXPECT_TRUE(clocks.HappensBefore(2, 3));  // send before arrive
  EXPECT_TRUE(clocks.HappensBefore(3, 4));  // arrive before the await that consumed it
  EXPECT_TRUE(clocks.HappensBefore(1, 5));  // B read what A wrote
  EXPECT_TRUE(clocks.HappensBefore(0, 6));  // transitively
  EXPECT_FALSE(clocks.HappensBefore(3, 2));
  EXPECT_FALSE(clocks.HappensBefore(4, 4));
  EXPECT_EQ(LaneName(program, 2), "A->B");
  EXPECT_EQ(LaneOf(program, events[3]), 2u);
}

TEST(VectorClockTest, IndependentWritesAreConcurrent) {
  const Program program = MustLoad(testing::kStoreBufferingDeck);
  EventBuilder b(program);
  const std::vector<Event> events = {
      b.Write("A", "x", 1, 0),  // 0
      b.Write("B", "y", 1, 0),  // 1
      b.Read("A", "y", 1, 1),   // 2
      b.Read("B", "x", 1, 1),   // 3
  };
  const VectorClocks clocks(program, events);
  EXPECT_TRUE(clocks.anomalies().empty());
  EXPECT_FALSE(clocks.HappensBefore(0, 1));
  EXPECT_FALSE(clocks.HappensBefore(1, 0));
  EXPECT_TRUE(Concurrent(clocks.clock(0), clocks.clock(1)));
  EXPECT_TRUE(Concurrent(clocks.clock(2), clocks.clock(3)));
  EXPECT_TRUE(clocks.HappensBefore(1, 2));  // reads-from
  EXPECT_TRUE(clocks.HappensBefore(0, 3));
  EXPECT_TRUE(HappensBefore(clocks.clock(0), clocks.clock(2)));  // program order
}

TEST(VectorClockTest, ReadsOfOneValueAreConcurrentAndPrecedeTheNextWrite) {
  const Program program = MustLoad(R"(
shared v
stack A:
    read v -> a
stack B:
    read v -> b
stack C:
    write 5 -> v
)");
  EventBuilder b(program);
  const std::vector<Event> events = {b.Read("A", "v", 0, 0), b.Read("B", "v", 0, 0),
                                     b.Write("C", "v", 5, 0)};
  const VectorClocks clocks(program, events);
  EXPECT_TRUE(Concurrent(clocks.clock(0), clocks.clock(1)));
  EXPECT_TRUE(clocks.HappensBefore(0, 2));  // from-read: the write overwrote what A read
  EXPECT_TRUE(clocks.HappensBefore(1, 2));
}

TEST(VectorClockTest, MissedAwaitIsNotOrderedAfterTheSend) {
  const Program program = MustLoad(R"(
shared flag
stack A:
    notify B 7
    write 1 -> flag
stack B:
    read flag -> f
    await A -> r
outcome B.f, B.r
)",
                                   Ordering::kNone);
  EventBuilder b(program);
  const std::vector<Event> events = {
      b.Read("B", "flag", 0, 0),   // 0
      b.Await("B", "A", 0, 0, 1),  // 1: missed
      b.Send("A", "B", 1, 7, 0),   // 2
      b.Write("A", "flag", 1, 1),  // 3
      b.Arrive("A", "B", 1, 7),    // 4: too late
  };
  const VectorClocks clocks(program, events);
  EXPECT_TRUE(clocks.anomalies().empty());
  EXPECT_TRUE(Concurrent(clocks.clock(1), clocks.clock(2)));
  EXPECT_TRUE(clocks.HappensBefore(2, 4));
  // The arrival is a step of the channel: the await is not after it, and
  // not before it either.
  EXPECT_FALSE(clocks.HappensBefore(4, 1));
  EXPECT_FALSE(clocks.HappensBefore(1, 4));
  EXPECT_TRUE(clocks.HappensBefore(0, 3));  // from-read across stacks
  EXPECT_FALSE(clocks.HappensBefore(1, 3));
}

// Remote runs: every stack and inbox keeps its own Lamport clock, so times
// repeat across stacks, and an arrival's time says nothing about where it
// fell among the receiver's cards. Here the callback arrived (inbox time 2)
// after B's await had missed it (B's time 2): the clocks must not put the
// arrival before the await.
TEST(VectorClockTest, RemoteShapedLamportTimes) {
  const Program program = MustLoad(R"(
stack A:
    notify B 7
stack B:
    await A -> r
    print r
)",
                                   Ordering::kNone);
  EventBuilder b(program);
  std::vector<Event> events = {b.Send("A", "B", 1, 7, 0), b.Arrive("A", "B", 1, 7),
                               b.Print("B", 0, 1), b.Await("B", "A", 0, 0, 0)};
  events[0].lamport = 1;  // A's clock
  events[1].lamport = 2;  // the inbox: max(1, 0) + 1
  events[3].lamport = 1;  // B's clock: the await missed
  events[2].lamport = 2;
  const VectorClocks clocks(program, events);
  EXPECT_TRUE(clocks.anomalies().empty());
  EXPECT_TRUE(clocks.HappensBefore(0, 1));
  EXPECT_TRUE(clocks.HappensBefore(3, 2));
  EXPECT_FALSE(clocks.HappensBefore(1, 3));
  EXPECT_FALSE(clocks.HappensBefore(1, 2));
  EXPECT_TRUE(Concurrent(clocks.clock(0), clocks.clock(3)));
}

TEST(VectorClockTest, ResultDoesNotDependOnTheOrderEventsAreGiven) {
  const Program program = MustLoad(kTransferDeck);
  EventBuilder b(program);
  const std::vector<Event> events = {
      b.Read("A", "balance", 100, 0), b.Write("A", "balance", 150, 2),
      b.Send("A", "B", 1, 0, 3),      b.Arrive("A", "B", 1, 0),
      b.Await("B", "A", 1, 0, 0),     b.Read("B", "balance", 150, 1),
      b.Write("B", "balance", 300, 3)};
  const VectorClocks sorted(program, events);
  std::vector<size_t> perm(events.size());
  std::iota(perm.begin(), perm.end(), 0);
  std::mt19937 rng(7);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(perm.begin(), perm.end(), rng);
    std::vector<Event> shuffled;
    for (size_t i : perm) shuffled.push_back(events[i]);
    const VectorClocks clocks(program, shuffled);
    for (size_t k = 0; k < perm.size(); ++k) {
      EXPECT_EQ(clocks.clock(k), sorted.clock(perm[k])) << "event " << perm[k];
    }
  }
}

TEST(VectorClockTest, BrokenHistoriesAreReportedNotFatal) {
  const Program program = MustLoad(kTransferDeck);
  EventBuilder b(program);
  std::vector<Event> events = {
      b.Arrive("A", "B", 1, 0),        // 0: arrives before it is sent
      b.Send("A", "B", 1, 0, 3),       // 1
      b.Await("B", "A", 1, 0, 0),      // 2
      b.Read("B", "balance", 100, 1),  // 3
  };
  Event alien = b.Read("B", "balance", 1, 2);
  alien.stack = 9;  // names no stack of the deck
  events.push_back(alien);
  const VectorClocks clocks(program, events);
  EXPECT_FALSE(clocks.anomalies().empty());
  EXPECT_FALSE(clocks.HappensBefore(1, 0));  // the backward edge was dropped
  EXPECT_TRUE(clocks.HappensBefore(0, 2));
  EXPECT_TRUE(clocks.clock(4).empty());
  EXPECT_EQ(clocks.order().size(), 4u);
  EXPECT_EQ(clocks.rank(4), events.size());
  EXPECT_FALSE(clocks.HappensBefore(4, 3));
}

// Every real run: clocks agree with the recorded order, program order and
// callback matching, and the free and member HappensBefore agree.
void CheckRun(const Program& program, const RunResult& run) {
  const VectorClocks clocks(program, run.events);
  ASSERT_TRUE(clocks.anomalies().empty()) << clocks.anomalies().front();
  const auto& order = clocks.order();
  ASSERT_EQ(order.size(), run.events.size());
  std::vector<size_t> last_on_lane(LaneCount(program), run.events.size());
  for (size_t pos = 0; pos < order.size(); ++pos) {
    const size_t i = order[pos];
    const size_t lane = LaneOf(program, run.events[i]);
    if (last_on_lane[lane] != run.events.size()) {
      EXPECT_TRUE(clocks.HappensBefore(last_on_lane[lane], i));
    }
    last_on_lane[lane] = i;
    for (size_t later = pos + 1; later < order.size(); ++later) {
      const size_t j = order[later];
      EXPECT_FALSE(clocks.HappensBefore(j, i));
      EXPECT_EQ(clocks.HappensBefore(i, j), HappensBefore(clocks.clock(i), clocks.clock(j)));
      if (clocks.HappensBefore(i, j)) {
        EXPECT_LT(run.events[i].lamport, run.events[j].lamport);
      }
    }
  }
  for (size_t i : order) {
    const Event& await = run.events[i];
    if (await.kind != EventKind::kAwait || await.seq == 0) continue;
    for (size_t j : order) {
      const Event& send = run.events[j];
      if (send.kind == EventKind::kSend && send.channel() == await.channel() &&
          send.seq == await.seq) {
        EXPECT_TRUE(clocks.HappensBefore(j, i));
      }
    }
  }
}

TEST(VectorClockTest, RealRunsOfTheExamplesAreConsistent) {
  for (const char* deck : {"transfer.deck", "ring.deck", "fan_in.deck", "producer_consumer.deck",
                           "missed_callback.deck"}) {
    for (Ordering ordering : {Ordering::kCallbacks, Ordering::kNone}) {
      const Program program = MustLoadExample(deck, ordering);
      for (uint64_t seed = 1; seed <= 5; ++seed) {
        SCOPED_TRACE(std::string(deck) + " " + OrderingName(ordering) + " seed " +
                     std::to_string(seed));
        CheckRun(program, RunLocalOnce(program, ordering, seed));
      }
    }
  }
}

}  // namespace
}  // namespace cardflow
