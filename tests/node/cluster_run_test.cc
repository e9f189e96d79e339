// ClusterRun (coordinator/cluster/cluster_run.h) driven through fake calls
// (run_call.h): what it does with updates a node should not have sent.
// Regression tests for fuzz/cluster_run_fuzzer's findings.
#include "coordinator/cluster/cluster_run.h"

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/schedule/step.h"
#include "coordinator/cluster/node_connections.h"
#include "coordinator/cluster/run_call.h"
#include "coordinator/cluster/run_plan.h"
#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

// Records whether it was closed; the test ends it.
class ScriptedCall final : public RunCall {
 public:
  void Start(std::chrono::system_clock::time_point, msg::Assign) override {}
  bool Send(msg::Assign) override { return !closed; }
  bool SendStart() override { return !closed; }
  bool SendCancel() override { return !closed; }
  bool Send(const std::vector<msg::TableReply>&) override { return !closed; }
  bool Send(const msg::StepGrant&) override { return !closed; }
  bool Send(const msg::Reroute&) override { return !closed; }
  void Close() override { closed = true; }
  bool closed = false;
};

// transfer.deck with A on node X (participant 0) and B on node Y (1).
class ClusterRunTest : public ::testing::Test {
 public:
  // The nodes' indices in connections_.
  static constexpr uint32_t kX = 0;
  static constexpr uint32_t kY = 1;

 protected:
  ClusterRunTest()
      : program_(testing::MustLoadExample("transfer.deck")),
        steps_(program_),
        connections_({{"X", "127.0.0.1:1"}, {"Y", "127.0.0.1:2"}}, LinkSecurity()) {}

  void Launch(Shuffle shuffle) {
    ClusterOptions options;
    options.shuffle = shuffle;
    plan_ = std::move(*MakeRunPlan(program_, steps_, options, connections_, {kX, kY}, nullptr));
    LaunchClusterRun(
        plan_, 1, 1, io_.get_executor(), [this](ClusterRunResult r) { result_ = std::move(r); },
        [this](RunCall::Owner& owner, size_t index) {
          owner_ = &owner;
          auto call = std::make_unique<ScriptedCall>();
          calls_.at(index) = call.get();
          return call;
        });
  }

  // Node `index` sends `update`; then every call the run closed ends, as
  // its node would end it.
  void Update(size_t index, const msg::RunUpdate& update) {
    owner_->OnUpdate(index, update);
    if (calls_[0]->closed && calls_[1]->closed) {
      owner_->OnCallDone(0, grpc::Status::OK);
      owner_->OnCallDone(1, grpc::Status::OK);  // the run finishes (and frees the calls)
    }
    io_.restart();  // a poll that found nothing to do left the context stopped
    io_.poll();
  }

  static msg::RunUpdate Ready() {
    msg::RunUpdate update;
    update.ready = true;
    return update;
  }

  Program program_;
  StepPlan steps_;
  NodeConnections connections_;
  RunPlan plan_;
  asio::io_context io_;
  RunCall::Owner* owner_ = nullptr;
  std::vector<ScriptedCall*> calls_ = std::vector<ScriptedCall*>(2, nullptr);
  std::optional<ClusterRunResult> result_;
};

// Found by the fuzzer: an event naming a stack the deck does not have went
// into the run's events and past the verifier into the report's log and
// schedule (heap-buffer-overflow); it is the node's fault, named.
TEST_F(ClusterRunTest, ANodeProgramOverTheMessageLimitIsRefusedBeforeAnyRunNamingTheNode) {
  const size_t x_bytes =
      MakeRunPlan(program_, steps_, {}, connections_, {kX, kY}, nullptr)->ProgramBytes(0).size();
  // Both stacks on X: X's program is bigger than with A alone.
  StatusOr<RunPlan> plan =
      MakeRunPlan(program_, steps_, {}, connections_, {kX, kX}, nullptr, x_bytes);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  const size_t both_bytes =
      MakeRunPlan(program_, steps_, {}, connections_, {kX, kX}, nullptr)->ProgramBytes(0).size();
  EXPECT_EQ(plan.status().message(),
            "node X would get 0.0 MiB (" + std::to_string(both_bytes) +
                " bytes) of program for its stacks, over the 0.0 MiB (" + std::to_string(x_bytes) +
                " bytes) one message can carry: spread the stacks over more nodes (--node, "
                "--place)");
  EXPECT_TRUE(MakeRunPlan(program_, steps_, {}, connections_, {kX, kY}, nullptr, x_bytes).ok());
}

TEST_F(ClusterRunTest, EventNamingNoStackOfTheDeckIsTheNodesFault) {
  Launch(Shuffle::kNetwork);
  Update(0, Ready());
  Update(1, Ready());
  msg::RunUpdate update;
  update.events.push_back(Event::Print(/*stack=*/7, 0, 42, 1));
  Update(0, update);
  ASSERT_TRUE(result_.has_value());
  EXPECT_EQ(result_->fault.code(), StatusCode::kUnavailable);
  EXPECT_EQ(result_->fault.message(),
            "node X at 127.0.0.1:1: sent an event that does not fit the deck: print of stack #7");
}

TEST_F(ClusterRunTest, EventOfAStackTheNodeDoesNotHoldIsTheNodesFault) {
  Launch(Shuffle::kNetwork);
  Update(0, Ready());
  Update(1, Ready());
  msg::RunUpdate update;
  update.events.push_back(Event::Print(/*stack=*/1, 0, 42, 1));  // B, held by Y
  Update(0, update);
  ASSERT_TRUE(result_.has_value());
  EXPECT_EQ(result_->fault.message(),
            "node X at 127.0.0.1:1: sent an event of stack B, which it does not hold");
}

TEST_F(ClusterRunTest, EventOnAChannelTheDeckDoesNotHaveIsTheNodesFault) {
  Launch(Shuffle::kNetwork);
  Update(0, Ready());
  Update(1, Ready());
  msg::RunUpdate update;
  Event arrive = Event::Arrive(0, program_.channels[0], 1, 150, 3);
  arrive.set_channel(5);
  update.events.push_back(arrive);
  Update(1, update);
  ASSERT_TRUE(result_.has_value());
  EXPECT_EQ(result_->fault.message(),
            "node Y at 127.0.0.1:2: sent an event that does not fit the deck: arrive of stack #1");
}

msg::TableRequest Request(StackId stack, uint32_t pc, msg::TableOp op, uint32_t var = 0) {
  msg::TableRequest request;
  request.stack = stack;
  request.pc = pc;
  request.op = op;
  request.var = var;
  return request;
}

// Found by the fuzzer: under the seeded shuffle, a node saying a stack
// ended before it took its steps parked an end step the scheduler then
// reported as a deadlock at a card past the stack's last
// (heap-buffer-overflow in the message). A stack waits at each step until
// it is granted: such a report is the node's fault.
TEST_F(ClusterRunTest, SeededStackEndingBeforeItsStepsIsTheNodesFault) {
  Launch(Shuffle::kSeeded);
  Update(0, Ready());
  Update(1, Ready());
  msg::RunUpdate update;
  update.table.push_back(Request(1, 4, msg::TableOp::kEnd));  // B has 4 cards
  Update(1, update);
  ASSERT_TRUE(result_.has_value());
  EXPECT_EQ(result_->fault.code(), StatusCode::kUnavailable);
  EXPECT_EQ(result_->fault.message(),
            "node Y at 127.0.0.1:2: says stack B ended before it was granted card 1");
}

TEST_F(ClusterRunTest, SeededStepAskedBeforeTheOneBeforeWasGrantedIsTheNodesFault) {
  Launch(Shuffle::kSeeded);
  Update(0, Ready());
  Update(1, Ready());
  msg::RunUpdate update;
  update.table.push_back(Request(1, 1, msg::TableOp::kRead));  // B's read, before its await
  Update(1, update);
  ASSERT_TRUE(result_.has_value());
  EXPECT_EQ(result_->fault.message(),
            "node Y at 127.0.0.1:2: asked for card 2 of stack B before it was granted card 1");
}

TEST_F(ClusterRunTest, SeededFailurePastTheNextStepIsTheNodesFault) {
  Launch(Shuffle::kSeeded);
  Update(0, Ready());
  Update(1, Ready());
  msg::RunUpdate update;
  update.failure = msg::StackFailure{1, 2, "overflow"};  // B's mul, before its await
  Update(1, update);
  ASSERT_TRUE(result_.has_value());
  EXPECT_EQ(result_->fault.message(),
            "node Y at 127.0.0.1:2: says stack B failed at card 3, past card 1 it was not granted "
            "yet");
}

}  // namespace
}  // namespace cardflow
