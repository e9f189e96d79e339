// NodeRun::PeerLost: when a run gives a peer up. It resends its callbacks
// after each break of the stream to the peer, and gives up after
// kMaxBreaks breaks in a row with nothing delivered in between — not after
// kMaxBreaks breaks in all: a link that keeps breaking but keeps coming
// back (bench/soak.sh: a reset every second) loses no run.
//
// The waits are the run's own resend timers, run on the test's io_context:
// each break is followed by the resend it schedules (run_one), no sleep.
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>

#include <asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/deck/node_program.h"
#include "node/node_context.h"
#include "node/node_run.h"
#include "node/peer_links.h"
#include "node/run_assignment.h"
#include "proto/cardflow.pb.h"
#include "proto/program_wire.h"
#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

constexpr char kPeer[] = "127.0.0.1:2";  // node Y, where A runs

class RecordedUpdates final : public NodeRun::Updates {
 public:
  bool Send(const msg::TableRequest&) override { return true; }
  bool Send(const msg::Arrival&) override { return true; }
  bool SendSeparate(const msg::RunUpdate& update) override {
    if (update.fault) fault = update.fault;
    return true;
  }
  std::optional<msg::NodeFault> fault;
};

// transfer.deck as node X holds it: stack B, which awaits A's callback
// from node Y, so the run stays running.
class PeerLostTest : public ::testing::Test {
 protected:
  PeerLostTest() : program_(testing::MustLoadExample("transfer.deck")) {
    node_.name = "X";
    node_.set_advertise("127.0.0.1:1");
    node_.executor = io_.get_executor();
    node_.log =
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
    node_.peers = std::make_unique<PeerLinks>(
        node_.name, LinkSecurity(),
        [](const std::string&, const std::string&, const std::vector<uint64_t>&, bool, bool) {});
    node_.peers->Shutdown(std::chrono::milliseconds(0));  // no connection, ever
    const std::vector<RunNode> nodes = {{"X", "127.0.0.1:1"}, {"Y", kPeer}};
    const std::string bytes = NodeProgramBytes(program_, {1, 0}, nodes, 0);
    wire::Assign assign;
    assign.set_run_id(7);
    assign.set_deck_name("transfer.deck");
    assign.set_program_key(ProgramKey(bytes));
    assign.set_program(bytes);
    auto resolved = ResolveAssign(assign, node_.programs);
    EXPECT_TRUE(resolved.ok()) << resolved.status().message();
    auto created = NodeRun::Create(*resolved, node_);
    EXPECT_TRUE(created.ok()) << created.status().message();
    run_ = std::move(created).value();
    run_->Attach(&updates_);
    EXPECT_TRUE(run_->Start().ok());
    io_.poll();  // B runs to its await
  }

  ~PeerLostTest() override {
    run_->Detach();
    io_.restart();
    io_.poll();
  }

  // One break of the stream to Y, then the resend it schedules.
  void Break(bool delivered) {
    run_->PeerLost(kPeer, "callback stream to 127.0.0.1:2 broke: reset", false, delivered);
    if (updates_.fault) return;  // gave up: nothing scheduled
    io_.restart();
    ASSERT_EQ(io_.run_one(), 1u);  // the resend timer
  }

  Program program_;
  asio::io_context io_;
  NodeContext node_;
  RecordedUpdates updates_;
  std::shared_ptr<NodeRun> run_;
};

TEST_F(PeerLostTest, GivesUpAfterMaxBreaksInARowWithNothingDelivered) {
  for (int i = 1; i < NodeRun::kMaxBreaks; ++i) Break(/*delivered=*/false);
  EXPECT_FALSE(updates_.fault.has_value());
  Break(/*delivered=*/false);
  ASSERT_TRUE(updates_.fault.has_value());
  EXPECT_EQ(updates_.fault->node, "Y");
  EXPECT_EQ(updates_.fault->message,
            "node Y: callback stream to 127.0.0.1:2 broke: reset (12 times: giving up)");
  EXPECT_EQ(run_->state(), NodeRun::State::kFailed);
}

TEST_F(PeerLostTest, ABreakAfterTheStreamDeliveredStartsTheCountOver) {
  // Three times as many breaks as it would take, each after a stream that
  // got through: the network keeps coming back, the run never gives up.
  for (int i = 0; i < 3 * NodeRun::kMaxBreaks; ++i) {
    Break(/*delivered=*/i % 4 == 0);
    ASSERT_FALSE(updates_.fault.has_value()) << "break " << i + 1;
  }
  EXPECT_EQ(run_->state(), NodeRun::State::kRunning);
}

}  // namespace
}  // namespace cardflow
