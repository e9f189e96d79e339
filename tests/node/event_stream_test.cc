// Streamed events and their back-pressure: RemoteEffects under the real
// Engine hands full batches to a fake Transport while the run goes on,
// parks the stacks (no thread held) while the transport says it is over
// its bound and resumes them on Drained(); and a real node streams a big
// run's events to its Run call in several RunUpdates, the first while the
// run is still going.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "common/engine/engine.h"
#include "node/node_run.h"
#include "node/node_server.h"
#include "node/remote_effects.h"
#include "proto/cardflow.grpc.pb.h"
#include "proto/channel_settings.h"
#include "proto/program_wire.h"
#include "proto/protocol.h"
#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

using testing::MustLoad;

// Stack Si notifies S(i+1) and awaits S(i-1): three events a stack (send,
// arrive, await). With `gate`, stack G also reads shared `total` once.
std::string Ring(int stacks, bool gate = false) {
  std::string text = gate ? "shared total\nstack G:\n    read total -> t\n" : "";
  for (int i = 0; i < stacks; ++i) {
    text += "stack S" + std::to_string(i) + ":\n    notify S" + std::to_string((i + 1) % stacks) +
            " " + std::to_string(i) + "\n    await S" + std::to_string((i + stacks - 1) % stacks) +
            " -> v\n";
  }
  return text;
}

// 100 rounds of two stacks handing a callback back and forth: 600 events.
constexpr char kPingPong[] = R"(
stack P:
    repeat 100:
        notify Q
        await Q
stack Q:
    repeat 100:
        await P
        notify P
)";

struct BatchTransport : RemoteEffects::Transport {
  void SendRequest(StackId, uint32_t, RemoteEffects::Ask, uint32_t, int64_t, uint64_t) override {}
  void SendCallback(ChannelId, uint64_t, int64_t, uint64_t) override {}
  void ReportArrival(ChannelId, uint64_t) override {}
  void StackFailed(StackId, uint32_t, const char*) override {}
  bool SendEvents(std::vector<Event> events) override {
    if (forbidden) ++forbidden_calls;
    batches.push_back(std::move(events));
    return room;
  }
  std::vector<std::vector<Event>> batches;
  bool room = true;        // what SendEvents answers
  bool forbidden = false;  // the test holds a lock SendEvents would take
  int forbidden_calls = 0;
};

class StreamHarness {
 public:
  StreamHarness(const Program& program, size_t batch)
      : StreamHarness(program, batch, std::vector<bool>(program.stacks.size(), true)) {}
  StreamHarness(const Program& program, size_t batch, std::vector<bool> mine)
      : effects_(program, Ordering::kCallbacks, mine, transport_, nullptr, /*gated=*/false, batch),
        engine_(program, Ids(mine), effects_, io_.get_executor()) {
    engine_.Start([this] { idle_ = true; });
  }
  bool Drain() {  // runs every ready handler; whether the engine is idle
    io_.restart();
    io_.run();
    return idle_;
  }
  RemoteEffects& effects() { return effects_; }
  BatchTransport& transport() { return transport_; }
  size_t Streamed() const {
    size_t n = 0;
    for (const auto& batch : transport_.batches) n += batch.size();
    return n;
  }

 private:
  static std::vector<StackId> Ids(const std::vector<bool>& mine) {
    std::vector<StackId> ids;
    for (StackId s = 0; s < mine.size(); ++s) {
      if (mine[s]) ids.push_back(s);
    }
    return ids;
  }
  asio::io_context io_;
  BatchTransport transport_;
  RemoteEffects effects_;
  Engine engine_;
  bool idle_ = false;
};

TEST(EventStreamTest, FullBatchesGoToTheTransportWhileTheRunGoesOn) {
  const Program program = MustLoad(Ring(40));
  StreamHarness node(program, /*batch=*/16);
  EXPECT_TRUE(node.Drain());
  ASSERT_GE(node.transport().batches.size(), 5u);  // 120 events in batches of about 16
  for (const auto& batch : node.transport().batches) EXPECT_GE(batch.size(), 16u);
  EXPECT_LT(node.Streamed(), 120u);  // the rest waits for FlushEvents
  bool then = false;
  node.effects().FlushEvents([&] {
    then = true;
    EXPECT_EQ(node.Streamed(), 120u);  // every event before `then`
  });
  EXPECT_TRUE(then);
  EXPECT_TRUE(node.effects().TakeEvents().empty());
}

TEST(EventStreamTest, StacksParkWhileTheStreamIsFullAndGoOnWhenItDrains) {
  const Program program = MustLoad(kPingPong);
  StreamHarness node(program, /*batch=*/16);
  node.transport().room = false;  // the stream is over its bound from the first batch on
  EXPECT_FALSE(node.Drain());     // every handler ran: what is left is parked, no thread held
  EXPECT_EQ(node.transport().batches.size(), 1u);
  EXPECT_GT(node.effects().HeldStacks(), 0u);
  // Held back: the events recorded since are bounded by the stacks (a few
  // each), not by the run's 600.
  EXPECT_LT(node.Streamed() + node.effects().TakeEvents().size(), 16u + 2 * 4u);

  node.transport().room = true;
  node.effects().Drained();
  EXPECT_EQ(node.effects().HeldStacks(), 0u);
  EXPECT_TRUE(node.Drain());  // the run ends: nothing was lost by parking
}

TEST(EventStreamTest, ParkingRepeatsWhileTheStreamStaysSlow) {
  const Program program = MustLoad(kPingPong);
  StreamHarness node(program, /*batch=*/8);
  node.transport().room = false;
  int drains = 0;
  while (!node.Drain()) {
    ASSERT_LT(++drains, 200) << "stuck";
    ASSERT_GT(node.effects().HeldStacks(), 0u);
    node.effects().Drained();  // the stream wrote some: room for one more batch
  }
  EXPECT_GT(drains, 2);
  bool then = false;
  node.effects().FlushEvents([&] { then = true; });
  EXPECT_TRUE(then);
  EXPECT_EQ(node.Streamed(), 600u);
}

// Recovery: Adopt may be called with a lock the transport takes (NodeRun
// holds its own): the arrivals it records wait for the next batch.
TEST(EventStreamTest, AdoptHandsNoBatchOver) {
  std::string text = "stack A:\n";
  for (int i = 0; i < 20; ++i) text += "    notify B\n";
  text += "stack B:\n    await A\n";
  const Program program = MustLoad(text);
  StreamHarness node(program, /*batch=*/8, {true, false});
  EXPECT_TRUE(node.Drain());  // A sent 20 callbacks to B, elsewhere
  const size_t streamed = node.Streamed();
  node.transport().forbidden = true;
  node.effects().Adopt({1});  // B comes here: 20 arrivals recorded, more than a batch
  node.transport().forbidden = false;
  EXPECT_EQ(node.transport().forbidden_calls, 0);
  EXPECT_EQ(node.Streamed(), streamed);
  bool then = false;
  node.effects().FlushEvents([&] { then = true; });
  EXPECT_TRUE(then);
  EXPECT_EQ(node.Streamed(), 20u + 20u);  // 20 sends, 20 arrivals
}

// A real node, one Run call, the test as the coordinator.
TEST(EventStreamTest, ANodeStreamsEventsInSeveralUpdatesBeforeItsStacksEnd) {
  NodeOptions options;
  options.name = "X";
  options.threads = 1;
  options.log_level = "off";
  NodeServer node(options);
  StatusOr<std::string> address = node.Start();
  ASSERT_TRUE(address.ok()) << address.status().ToString();
  auto stub = wire::Node::NewStub(MakeChannel(*address, LinkSecurity()));

  constexpr int kStacks = 5000;  // 15,000 events: several batches; results in two updates
  static_assert(3 * kStacks > 2 * NodeRun::kEventsPerBatch);
  const std::string deck = Ring(kStacks, /*gate=*/true);
  const Program program = MustLoad(deck);
  wire::RunControl assign;
  assign.set_protocol(kProtocolVersion);
  assign.mutable_assign()->set_run_id(7);
  assign.mutable_assign()->set_deck_name("ring.deck");
  NodeProgramToWire(program, std::vector<uint32_t>(program.stacks.size(), 0),
                    {{"X", "127.0.0.1:1"}}, 0)
      .SerializeToString(assign.mutable_assign()->mutable_program());
  grpc::ClientContext context;  // a broken node fails the test, never hangs it
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto stream = stub->Run(&context);
  ASSERT_TRUE(stream->Write(assign));
  wire::RunUpdate update;
  ASSERT_TRUE(stream->Read(&update));
  ASSERT_TRUE(update.ready());
  wire::RunControl start;
  start.set_protocol(kProtocolVersion);
  start.set_start(true);
  ASSERT_TRUE(stream->Write(start));

  // Stack G's read is answered only once events came: they came while G
  // was still waiting, so while the run was going on.
  int updates_with_events = 0;
  size_t events = 0;
  size_t results = 0;
  int updates_with_results = 0;
  bool answered = false;
  bool done = false;
  std::vector<wire::TableRequest> pending;
  while (!done && stream->Read(&update)) {
    for (const wire::TableRequest& request : update.table()) pending.push_back(request);
    if (update.events_size() > 0) {
      ++updates_with_events;
      events += static_cast<size_t>(update.events_size());
      EXPECT_LE(update.events_size(), 2 * static_cast<int>(NodeRun::kEventsPerBatch));
    }
    if (update.results_size() > 0) {
      ++updates_with_results;
      results += static_cast<size_t>(update.results_size());
      EXPECT_LE(static_cast<size_t>(update.results_size()), NodeRun::kResultsPerUpdate);
    }
    if (!answered && events > 0 && !pending.empty()) {
      answered = true;
      wire::RunControl reply;
      reply.set_protocol(kProtocolVersion);
      for (const wire::TableRequest& request : pending) {
        wire::TableReply* r = reply.add_table();
        r->set_stack(request.stack());
        r->set_pc(request.pc());
        r->set_value(0);
        r->set_lamport(1);
      }
      ASSERT_TRUE(stream->Write(reply));
    }
    done = update.done();
  }
  ASSERT_TRUE(done);
  EXPECT_TRUE(answered);
  EXPECT_GE(updates_with_events, 2);
  EXPECT_EQ(events, 3u * kStacks);  // the read is the table's event, not the node's
  // The results come in updates of their own, the last one saying `done`.
  EXPECT_EQ(results, program.stacks.size());
  EXPECT_EQ(updates_with_results,
            static_cast<int>((program.stacks.size() + NodeRun::kResultsPerUpdate - 1) /
                             NodeRun::kResultsPerUpdate));
  EXPECT_GT(update.results_size(), 0);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

}  // namespace
}  // namespace cardflow
