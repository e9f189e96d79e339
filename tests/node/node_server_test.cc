// An embedded NodeServer at its RPC boundary: malformed or foreign requests
// get INVALID_ARGUMENT / FAILED_PRECONDITION with a message, never a crash
// or a hang.
#include "node/node_server.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "proto/cardflow.grpc.pb.h"
#include "proto/channel_settings.h"
#include "proto/protocol.h"
#include "tests/node/cluster_decks.h"

namespace cardflow {
namespace {

class NodeServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NodeOptions options;
    options.name = "X";
    options.threads = 1;
    options.log_level = "off";
    node_ = std::make_unique<NodeServer>(options);
    StatusOr<std::string> address = node_->Start();
    ASSERT_TRUE(address.ok()) << address.status().ToString();
    stub_ = wire::Node::NewStub(MakeChannel(*address, LinkSecurity()));
  }

  static void SetDeadline(grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

  // Sends `messages` on a Run call; returns how the node ended it and
  // whether it said `ready`.
  grpc::Status RunCall(const std::vector<wire::RunControl>& messages, bool* ready = nullptr) {
    grpc::ClientContext context;
    SetDeadline(context);
    auto stream = stub_->Run(&context);
    for (const wire::RunControl& message : messages) stream->Write(message);
    stream->WritesDone();
    wire::RunUpdate update;
    while (stream->Read(&update)) {
      if (ready && update.ready()) *ready = true;
    }
    return stream->Finish();
  }

  static wire::RunControl Assign(const std::string& deck, std::vector<std::string> stacks) {
    wire::RunControl control;
    control.set_protocol(kProtocolVersion);
    wire::Assign* assign = control.mutable_assign();
    assign->set_run_id(42);
    assign->set_node("X");
    assign->set_deck_name("t.deck");
    assign->set_deck_text(deck);
    for (const std::string& stack : stacks) {
      wire::Route* route = assign->add_routes();
      route->set_stack(stack);
      route->set_node("X");
      route->set_address("127.0.0.1:1");
    }
    return control;
  }

  std::unique_ptr<NodeServer> node_;
  std::unique_ptr<wire::Node::Stub> stub_;
};

TEST_F(NodeServerTest, PingSaysWhoAndWhichProtocol) {
  grpc::ClientContext context;
  SetDeadline(context);
  wire::PingRequest request;
  request.set_protocol(kProtocolVersion);
  wire::PingReply reply;
  ASSERT_TRUE(stub_->Ping(&context, request, &reply).ok());
  EXPECT_EQ(reply.name(), "X");
  EXPECT_EQ(reply.protocol(), kProtocolVersion);
  EXPECT_EQ(reply.advertise(), node_->address());
}

TEST_F(NodeServerTest, MessagesWithoutOrWithAnotherProtocolVersionAreRefused) {
  grpc::ClientContext context;
  SetDeadline(context);
  wire::PingRequest request;  // protocol 0
  wire::PingReply reply;
  EXPECT_EQ(stub_->Ping(&context, request, &reply).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  wire::RunControl future = Assign(testing::kTransferDeck, {"A", "B"});
  future.set_protocol(kProtocolVersion + 1);
  const grpc::Status status = RunCall({future});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("protocol"), std::string::npos);
}

TEST_F(NodeServerTest, MalformedRunCallsGetInvalidArgumentWithAMessage) {
  wire::RunControl start;
  start.set_protocol(kProtocolVersion);
  start.set_start(true);
  grpc::Status status = RunCall({start});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("must assign"), std::string::npos);

  status = RunCall({Assign("stack A:\n    bogus 1\n", {"A"})});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("does not load"), std::string::npos);

  status = RunCall({Assign(testing::kTransferDeck, {"A"})});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("routes 1 stacks"), std::string::npos);

  wire::RunControl reply;
  reply.set_protocol(kProtocolVersion);
  wire::TableReply* table = reply.add_table();
  table->set_stack(0);
  bool ready = false;
  status = RunCall({Assign(testing::kTransferDeck, {"A", "B"}), reply}, &ready);
  EXPECT_TRUE(ready);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("asked nothing"), std::string::npos);
}

TEST_F(NodeServerTest, AnAssignedRunThatIsNeverStartedEndsCleanly) {
  bool ready = false;
  EXPECT_TRUE(RunCall({Assign(testing::kTransferDeck, {"A", "B"})}, &ready).ok());
  EXPECT_TRUE(ready);
}

TEST_F(NodeServerTest, CallbacksWithoutProtocolAreRefused) {
  grpc::ClientContext context;
  SetDeadline(context);
  auto stream = stub_->Deliver(&context);
  wire::CallbackBatch batch;
  batch.set_batch(1);
  stream->Write(batch);
  stream->WritesDone();
  wire::CallbackAck ack;
  while (stream->Read(&ack)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(NodeServerTest, StopIsIdempotent) {
  node_->Stop();
  node_->Stop();
}

}  // namespace
}  // namespace cardflow
