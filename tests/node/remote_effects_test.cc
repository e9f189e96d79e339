// RemoteEffects under the real Engine, with the network replaced by a
// recording Transport.
#include "node/remote_effects.h"

#include <gtest/gtest.h>

#include <asio/io_context.hpp>

#include "common/engine/engine.h"
#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

using testing::MustLoad;

struct FakeTransport : RemoteEffects::Transport {
  struct Table {
    StackId stack;
    uint32_t pc;
    bool write;
    int64_t value;
    uint64_t lamport;
  };
  struct Sent {
    ChannelId channel;
    uint64_t seq;
    int64_t value;
    uint64_t lamport;
  };
  void SendRequest(StackId stack, uint32_t pc, RemoteEffects::Ask ask, uint32_t, int64_t value,
                   uint64_t lamport) override {
    using Ask = RemoteEffects::Ask;
    if (ask == Ask::kRead || ask == Ask::kWrite) {
      table.push_back({stack, pc, ask == Ask::kWrite, value, lamport});
    } else if (ask == Ask::kAwait) {
      decisions.push_back({stack, pc, value != 0, value, lamport});
    } else {
      steps.push_back({stack, pc, ask, value});
    }
  }
  void SendCallback(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport) override {
    sent.push_back({channel, seq, value, lamport});
  }
  void ReportArrival(ChannelId channel, uint64_t seq) override {
    arrivals.emplace_back(channel, seq);
  }
  void StackFailed(StackId, uint32_t, const char* what) override { failed = what; }
  struct GatedStep {
    StackId stack;
    uint32_t pc;
    RemoteEffects::Ask ask;
    int64_t value;
  };
  std::vector<Table> decisions;
  std::vector<Table> table;
  std::vector<Sent> sent;
  std::vector<GatedStep> steps;  // notify, print, end: gated only
  std::vector<std::pair<ChannelId, uint64_t>> arrivals;
  std::string failed;
};

// One node's share of a run: the stacks `mine` of `program`.
class Harness {
 public:
  Harness(const Program& program, Ordering ordering, std::vector<bool> mine, bool gated = false)
      : effects_(program, ordering, mine, transport_, nullptr, gated),
        engine_(program, Ids(mine), effects_, io_.get_executor()) {
    engine_.Start([this] { idle_ = true; });
  }
  // Runs every handler that is ready; returns whether the engine is idle.
  bool Drain() {
    io_.restart();
    io_.run();
    return idle_;
  }
  RemoteEffects& effects() { return effects_; }
  FakeTransport& transport() { return transport_; }
  const std::vector<int64_t>& Registers(StackId s) { return engine_.Registers(s); }

 private:
  static std::vector<StackId> Ids(const std::vector<bool>& mine) {
    std::vector<StackId> ids;
    for (StackId s = 0; s < mine.size(); ++s) {
      if (mine[s]) ids.push_back(s);
    }
    return ids;
  }
  asio::io_context io_;
  FakeTransport transport_;
  RemoteEffects effects_;
  Engine engine_;
  bool idle_ = false;
};

constexpr char kPair[] = R"(
stack A:
    notify B 5
    notify B 6
stack B:
    await A -> r
    await A -> q
)";

TEST(RemoteEffectsTest, SenderResumesAtOnceAndCallbacksCarryItsClock) {
  const Program program = MustLoad(kPair);
  Harness node(program, Ordering::kCallbacks, {true, false});
  EXPECT_TRUE(node.Drain());
  ASSERT_EQ(node.transport().sent.size(), 2u);
  EXPECT_EQ(node.transport().sent[0].seq, 1u);
  EXPECT_EQ(node.transport().sent[1].value, 6);
  EXPECT_LT(node.transport().sent[0].lamport, node.transport().sent[1].lamport);
}

TEST(RemoteEffectsTest, AwaitParksWithoutAThreadUntilTheCallbackArrives) {
  const Program program = MustLoad(kPair);
  Harness node(program, Ordering::kCallbacks, {false, true});
  EXPECT_FALSE(node.Drain());  // B is parked; nothing runs
  ASSERT_TRUE(node.effects().Arrive(0, 1, 5, 10).ok());
  EXPECT_FALSE(node.Drain());
  ASSERT_TRUE(node.effects().Arrive(0, 2, 6, 11).ok());
  EXPECT_TRUE(node.Drain());
  EXPECT_EQ(node.Registers(1), (std::vector<int64_t>{5, 6}));
  const std::vector<Event> events = node.effects().TakeEvents();
  ASSERT_EQ(events.size(), 4u);  // arrive, await, arrive, await
  EXPECT_EQ(events[0].kind, EventKind::kArrive);
  EXPECT_EQ(events[0].lamport, 11u);  // send + 1
  EXPECT_EQ(events[1].kind, EventKind::kAwait);
  EXPECT_GT(events[1].lamport, events[0].lamport);
  EXPECT_GT(events[3].lamport, events[2].lamport);
}

TEST(RemoteEffectsTest, CallbacksOfUnknownChannelsOrSeqZeroAreRejected) {
  const Program program = MustLoad(kPair);
  Harness node(program, Ordering::kCallbacks, {false, true});
  node.Drain();
  EXPECT_EQ(node.effects().Arrive(5, 1, 6, 1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(node.effects().Arrive(0, 0, 6, 1).code(), StatusCode::kInvalidArgument);
}

// Recovery sends callbacks again, and two streams may overlap: the inbox
// takes each seq once and in order whatever order they come in.
TEST(RemoteEffectsTest, EarlyCallbacksWaitAndRepeatedOnesAreDropped) {
  const Program program = MustLoad(kPair);
  Harness node(program, Ordering::kCallbacks, {false, true});
  EXPECT_FALSE(node.Drain());
  ASSERT_TRUE(node.effects().Arrive(0, 2, 6, 20).ok());  // early: B must not take it first
  EXPECT_FALSE(node.Drain());
  ASSERT_TRUE(node.effects().Arrive(0, 1, 5, 10).ok());
  ASSERT_TRUE(node.effects().Arrive(0, 1, 99, 10).ok());  // sent again: dropped
  ASSERT_TRUE(node.effects().Arrive(0, 2, 99, 20).ok());
  EXPECT_TRUE(node.Drain());
  EXPECT_EQ(node.Registers(1), (std::vector<int64_t>{5, 6}));
  const std::vector<Event> events = node.effects().TakeEvents();
  size_t arrivals = 0;
  for (const Event& e : events) arrivals += e.kind == EventKind::kArrive;
  EXPECT_EQ(arrivals, 2u);
}

TEST(RemoteEffectsTest, SentCallbacksAreKeptToSendAgain) {
  const Program program = MustLoad(kPair);
  Harness node(program, Ordering::kCallbacks, {true, false});
  EXPECT_TRUE(node.Drain());
  const auto sent = node.effects().SentTo(1);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].seq, 1u);
  EXPECT_EQ(sent[0].value, 5);
  EXPECT_EQ(sent[1].seq, 2u);
  EXPECT_EQ(sent[1].lamport, node.transport().sent[1].lamport);
  EXPECT_TRUE(node.effects().SentTo(0).empty());
}

// A receiver adopted from a dead node gets the callbacks its senders here
// sent it before, and starting over computes what it computed there.
TEST(RemoteEffectsTest, AnAdoptedStackFindsTheCallbacksSentBeforeItCame) {
  const Program program = MustLoad(kPair);
  asio::io_context io;
  FakeTransport transport;
  RemoteEffects effects(program, Ordering::kCallbacks, {true, false}, transport, nullptr);
  Engine sender(program, {0}, effects, io.get_executor());
  bool sender_idle = false;
  sender.Start([&] { sender_idle = true; });
  io.run();
  ASSERT_TRUE(sender_idle);
  ASSERT_EQ(transport.sent.size(), 2u);
  effects.Adopt({1});
  EXPECT_TRUE(effects.IsMine(1));
  Engine adopted(program, {1}, effects, io.get_executor());
  bool adopted_idle = false;
  adopted.Start([&] { adopted_idle = true; });
  io.restart();
  io.run();
  ASSERT_TRUE(adopted_idle);
  EXPECT_EQ(adopted.Registers(1), (std::vector<int64_t>{5, 6}));
  EXPECT_EQ(transport.sent.size(), 2u);  // nothing went out again
}

TEST(RemoteEffectsTest, InNoneModeAnAwaitThatFindsNothingGoesOnOnceTheDecisionIsBack) {
  const Program program = MustLoad(kPair, Ordering::kNone);
  Harness node(program, Ordering::kNone, {false, true});
  EXPECT_FALSE(node.Drain());  // waiting for the coordinator's decision
  ASSERT_EQ(node.transport().decisions.size(), 1u);
  EXPECT_FALSE(node.transport().decisions[0].write);  // proposed: nothing there to take
  ASSERT_TRUE(node.effects().OnTableReply(1, 0, 0, 0).ok());
  EXPECT_FALSE(node.Drain());
  ASSERT_EQ(node.transport().decisions.size(), 2u);
  ASSERT_TRUE(node.effects().OnTableReply(1, 1, 0, 0).ok());
  EXPECT_TRUE(node.Drain());
  EXPECT_EQ(node.Registers(1), (std::vector<int64_t>{0, 0}));
  const std::vector<Event> events = node.effects().TakeEvents();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].seq, 0u);  // missed
}

// After its node died, a stack starts over and gets the recorded decision:
// "take it" even though the callback has not come again yet — it waits.
TEST(RemoteEffectsTest, InNoneModeAReplayTakesWhatTheFirstTryTook) {
  const Program program = MustLoad(kPair, Ordering::kNone);
  Harness node(program, Ordering::kNone, {false, true});
  EXPECT_FALSE(node.Drain());
  ASSERT_TRUE(node.effects().OnTableReply(1, 0, 1, 0).ok());  // recorded: it took one
  EXPECT_FALSE(node.Drain());                                 // parked until it comes
  ASSERT_TRUE(node.effects().Arrive(0, 1, 5, 3).ok());
  EXPECT_FALSE(node.Drain());  // the second await asks
  ASSERT_EQ(node.transport().decisions.size(), 2u);
  ASSERT_TRUE(node.effects().OnTableReply(1, 1, 0, 0).ok());  // recorded: it went on without
  ASSERT_TRUE(node.effects().Arrive(0, 2, 6, 4).ok());
  EXPECT_TRUE(node.Drain());
  EXPECT_EQ(node.Registers(1), (std::vector<int64_t>{5, 0}));
}

TEST(RemoteEffectsTest, SameNodeCallbacksGoStraightToTheInbox) {
  const Program program = MustLoad(kPair);
  Harness node(program, Ordering::kCallbacks, {true, true});
  EXPECT_TRUE(node.Drain());
  EXPECT_TRUE(node.transport().sent.empty());
  EXPECT_EQ(node.Registers(1), (std::vector<int64_t>{5, 6}));
}

TEST(RemoteEffectsTest, TableOperationsSuspendUntilTheirReply) {
  const Program program = MustLoad("shared s\nstack A:\n    read s -> a\n    write a -> s\n");
  Harness node(program, Ordering::kCallbacks, {true});
  EXPECT_FALSE(node.Drain());
  ASSERT_EQ(node.transport().table.size(), 1u);
  EXPECT_FALSE(node.transport().table[0].write);
  EXPECT_EQ(node.effects().OnTableReply(0, 1, 42, 3).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(node.effects().OnTableReply(0, 0, 42, 3).ok());
  EXPECT_FALSE(node.Drain());
  ASSERT_EQ(node.transport().table.size(), 2u);
  EXPECT_TRUE(node.transport().table[1].write);
  EXPECT_EQ(node.transport().table[1].value, 42);
  EXPECT_EQ(node.transport().table[1].lamport, 3u);  // the clock took the table's time
  ASSERT_TRUE(node.effects().OnTableReply(0, 1, 42, 4).ok());
  EXPECT_TRUE(node.Drain());
  EXPECT_EQ(node.Registers(0), std::vector<int64_t>{42});
}

// Gated (the seeded shuffle): a notify waits for its grant, the callback
// is held at its receiver and reported, and only TakeIn lets the await
// have it.
TEST(RemoteEffectsGatedTest, EveryVisibleStepWaitsForItsGrantAndArrivalsForTakeIn) {
  const Program program = MustLoad(R"(stack A:
    notify B 7
stack B:
    await A -> r
    print r
)",
                                   Ordering::kCallbacks);
  Harness h(program, Ordering::kCallbacks, {true, true}, /*gated=*/true);
  h.Drain();
  FakeTransport& t = h.transport();
  ASSERT_EQ(t.steps.size(), 1u);  // A's notify asks; nothing is sent yet
  EXPECT_EQ(t.steps[0].ask, RemoteEffects::Ask::kNotify);
  EXPECT_EQ(t.steps[0].value, 7);
  ASSERT_EQ(t.decisions.size(), 1u);  // B's await asks too, in callbacks mode
  EXPECT_TRUE(t.arrivals.empty());

  ASSERT_TRUE(h.effects().OnTableReply(0, 0, 0, 0).ok());  // grant A's notify
  h.Drain();
  ASSERT_EQ(t.arrivals.size(), 1u);  // held at B and reported, not in B's inbox
  EXPECT_EQ(t.arrivals[0], (std::pair<ChannelId, uint64_t>{0, 1}));
  EXPECT_FALSE(h.effects().TakeIn(1).ok());  // nothing held on a channel that does not exist

  ASSERT_TRUE(h.effects().TakeIn(0).ok());
  EXPECT_FALSE(h.effects().TakeIn(0).ok());                // once
  ASSERT_TRUE(h.effects().OnTableReply(1, 0, 1, 0).ok());  // grant B's await: take it
  h.Drain();
  EXPECT_EQ(h.Registers(1)[0], 7);
  ASSERT_EQ(t.steps.size(), 3u);  // A's end, then B's print asks
  EXPECT_EQ(t.steps[1].ask, RemoteEffects::Ask::kEnd);
  EXPECT_EQ(t.steps[2].ask, RemoteEffects::Ask::kPrint);
  EXPECT_EQ(t.steps[2].value, 7);
}

}  // namespace
}  // namespace cardflow
