// An embedded NodeServer at its RPC boundary: malformed or foreign requests
// get INVALID_ARGUMENT / FAILED_PRECONDITION with a message, never a crash
// or a hang.
#include "node/node_server.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "common/deck/limits.h"
#include "proto/cardflow.grpc.pb.h"
#include "proto/channel_settings.h"
#include "proto/program_wire.h"
#include "proto/protocol.h"
#include "tests/local/deck_fixture.h"
#include "tests/node/cluster_decks.h"
#include "tests/node/raw_call.h"

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

  // An assign of `deck` to X (this node) whose stacks `on_x` run on X and
  // the others on Y, carrying its program.
  static wire::RunControl Assign(const std::string& deck, std::vector<std::string> on_x) {
    const Program program = testing::MustLoad(deck);
    std::vector<uint32_t> stack_node;
    for (const StackProgram& stack : program.stacks) {
      stack_node.push_back(std::find(on_x.begin(), on_x.end(), stack.name) == on_x.end() ? 1 : 0);
    }
    const std::vector<RunNode> nodes = {{"X", "127.0.0.1:1"}, {"Y", "127.0.0.1:2"}};
    return AssignProgram(NodeProgramToWire(program, stack_node, nodes, 0));
  }

  static wire::RunControl AssignProgram(const wire::NodeProgram& program) {
    wire::RunControl control;
    control.set_protocol(kProtocolVersion);
    wire::Assign* assign = control.mutable_assign();
    assign->set_run_id(42);
    assign->set_deck_name("t.deck");
    program.SerializeToString(assign->mutable_program());
    assign->set_program_key(ProgramKey(assign->program()));
    return control;
  }

  // Sends `messages` as raw bytes on `method` of the node; how it ended.
  grpc::Status RawStream(const std::string& method, const std::vector<std::string>& messages,
                         int* replies = nullptr) {
    auto channel = MakeChannel(node_->address(), LinkSecurity());
    grpc::GenericStub stub(channel);
    testing::RawStreamCall call(stub, "/cardflow.wire.Node/" + method, messages);
    return call.Wait(replies);
  }

  static wire::RunControl Start() {
    wire::RunControl start;
    start.set_protocol(kProtocolVersion);
    start.set_start(true);
    return start;
  }

  static wire::CallbackBatch Batch(uint64_t number) {
    wire::CallbackBatch batch;
    batch.set_protocol(kProtocolVersion);
    batch.set_batch(number);
    batch.set_sender("Y");
    return batch;
  }

  // Not a protobuf message: field 1 with wire type 7, which does not exist.
  static constexpr char kGarbage[] = "\x0f\x00";

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

  wire::RunControl bad = Assign(testing::kTransferDeck, {"A", "B"});
  bad.mutable_assign()->set_program("not a program");
  bad.mutable_assign()->clear_program_key();
  status = RunCall({bad});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "node program: malformed bytes");

  status = RunCall({Assign(testing::kTransferDeck, {})});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "node program: no stack runs on node X");

  bad = Assign(testing::kTransferDeck, {"A", "B"});
  bad.mutable_assign()->set_program_key(std::string(32, 'k'));
  status = RunCall({bad});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "assign's program_key is not the SHA-256 of its program");

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

TEST_F(NodeServerTest, AProgramNamedByAKeyItHasNotGotIsAskedFor) {
  wire::RunControl by_key = Assign(testing::kTransferDeck, {"A", "B"});
  by_key.mutable_assign()->clear_program();
  grpc::ClientContext context;
  SetDeadline(context);
  auto stream = stub_->Run(&context);
  ASSERT_TRUE(stream->Write(by_key));
  wire::RunUpdate update;
  ASSERT_TRUE(stream->Read(&update));
  EXPECT_TRUE(update.missing_program());
  EXPECT_FALSE(update.ready());
  // The same assign with the program: the run is created; the next run of
  // that program on this node needs only the key.
  ASSERT_TRUE(stream->Write(Assign(testing::kTransferDeck, {"A", "B"})));
  ASSERT_TRUE(stream->Read(&update));
  EXPECT_TRUE(update.ready());
  stream->WritesDone();
  while (stream->Read(&update)) {
  }
  EXPECT_TRUE(stream->Finish().ok());

  by_key.mutable_assign()->set_run_id(43);
  bool ready = false;
  EXPECT_TRUE(RunCall({by_key}, &ready).ok());
  EXPECT_TRUE(ready);
}

TEST_F(NodeServerTest, AProgramWhoseCardsDoNotFitIsRefusedSayingWhere) {
  const Program program = testing::MustLoad(testing::kTransferDeck);
  wire::NodeProgram wire = NodeProgramToWire(program, {0, 0}, {{"X", "127.0.0.1:1"}}, 0);
  wire.mutable_stacks(0)->mutable_code(0)->set_reg(99);
  wire.mutable_stacks(0)->mutable_code(0)->set_has_reg(true);
  const grpc::Status status = RunCall({AssignProgram(wire)});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("node program: card 1 of stack A names register #99"),
            std::string::npos)
      << status.error_message();
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

TEST_F(NodeServerTest, RunCallWhoseFirstMessageIsNotAProtobufEndsWithInvalidArgument) {
  int replies = -1;
  const grpc::Status status = RawStream("Run", {std::string(kGarbage, 2)}, &replies);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "message 1 of the Run call is not a valid RunControl (2 bytes that do not parse)");
  EXPECT_EQ(replies, 0);
}

TEST_F(NodeServerTest, RunCallWithALaterMessageThatIsNotAProtobufEndsWithInvalidArgument) {
  int replies = -1;
  const grpc::Status status = RawStream(
      "Run",
      {Assign(testing::kTransferDeck, {"A", "B"}).SerializeAsString(), std::string(kGarbage, 2)},
      &replies);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "message 2 of the Run call is not a valid RunControl (2 bytes that do not parse)");
  EXPECT_EQ(replies, 1);  // `ready`, for the assign
}

TEST_F(NodeServerTest, RunCallMessagesOutOfOrderEndTheCallSayingWhy) {
  const wire::RunControl assign = Assign(testing::kTransferDeck, {"A", "B"});
  // Start before any assign.
  grpc::Status status = RunCall({Start()});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "the first RunControl of a Run call must assign a run");
  // Two assigns.
  status = RunCall({assign, assign});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "a Run call assigns one run, this one assigned two");
  // Two starts: the stacks wait for table replies that never come, so the
  // run is still running when the second start arrives. (Another run id:
  // the node may not have let go of run 42 yet.)
  wire::RunControl other = assign;
  other.mutable_assign()->set_run_id(43);
  status = RunCall({other, Start(), Start()});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), "run 000000000000002b cannot start: it is running");
}

TEST_F(NodeServerTest, DeliverCallWhoseFirstMessageIsNotAProtobufEndsWithInvalidArgument) {
  const grpc::Status status = RawStream("Deliver", {std::string(kGarbage, 2)});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "message 1 of the Deliver call is not a valid CallbackBatch (2 bytes that do not "
            "parse)");
}

TEST_F(NodeServerTest, DeliverCallBatchesOutOfOrderEndTheCallSayingWhy) {
  grpc::Status status = RawStream("Deliver", {Batch(2).SerializeAsString()});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "CallbackBatch 2 came as message 1 of the Deliver call, after batch 0: batches count "
            "up from 1 by one");

  int replies = -1;
  status =
      RawStream("Deliver", {Batch(1).SerializeAsString(), Batch(1).SerializeAsString()}, &replies);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "CallbackBatch 1 came as message 2 of the Deliver call, after batch 1: batches count "
            "up from 1 by one");

  // In order, the stream ends OK when the sender closes it.
  status =
      RawStream("Deliver", {Batch(1).SerializeAsString(), Batch(2).SerializeAsString()}, &replies);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_GE(replies, 1);  // acks merge: at least one
}

TEST_F(NodeServerTest, PingWithBytesThatAreNotAProtobufGetsInvalidArgument) {
  auto channel = MakeChannel(node_->address(), LinkSecurity());
  grpc::GenericStub stub(channel);
  const grpc::Status status =
      testing::RawUnaryCall(stub, "/cardflow.wire.Node/Ping", std::string(kGarbage, 2));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "message 1 of the Ping call is not a valid PingRequest (2 bytes that do not parse)");

  wire::PingRequest request;
  request.set_protocol(kProtocolVersion);
  EXPECT_TRUE(
      testing::RawUnaryCall(stub, "/cardflow.wire.Node/Ping", request.SerializeAsString()).ok());
}

// kMaxMessageBytes (common/deck/limits.h): a message one byte over it is
// refused with RESOURCE_EXHAUSTED saying so, by our channel before it leaves
// and by the node when a client without our limit sends it; the node goes
// on serving.
TEST_F(NodeServerTest, AMessageOverTheSizeLimitIsRefusedAndTheNodeGoesOnServing) {
  const std::string too_big(size_t{kMaxMessageBytes} + 1, '\0');
  const grpc::Status ours = RawStream("Run", {too_big});
  EXPECT_EQ(ours.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << ours.error_message();
  EXPECT_NE(ours.error_message().find("larger than max"), std::string::npos)
      << ours.error_message();

  grpc::ChannelArguments unlimited;
  unlimited.SetMaxSendMessageSize(-1);
  grpc::GenericStub stub(
      grpc::CreateCustomChannel(node_->address(), grpc::InsecureChannelCredentials(), unlimited));
  testing::RawStreamCall call(stub, "/cardflow.wire.Node/Run", {too_big});
  const grpc::Status theirs = call.Wait();
  EXPECT_EQ(theirs.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << theirs.error_message();
  EXPECT_NE(theirs.error_message().find("larger than max"), std::string::npos)
      << theirs.error_message();

  grpc::ClientContext context;
  SetDeadline(context);
  wire::PingRequest request;
  request.set_protocol(kProtocolVersion);
  wire::PingReply reply;
  EXPECT_TRUE(stub_->Ping(&context, request, &reply).ok());
}

TEST_F(NodeServerTest, StopIsIdempotent) {
  node_->Stop();
  node_->Stop();
}

}  // namespace
}  // namespace cardflow
