// The coordinator's end of a Run call (NodeCall) against a node that answers
// with bytes that are not a RunUpdate: the run fails saying so (exit status
// 3), instead of the call looking closed by the node.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "coordinator/cluster/run_cluster.h"
#include "proto/cardflow.grpc.pb.h"
#include "proto/channel_settings.h"
#include "proto/protocol.h"
#include "tests/local/deck_fixture.h"
#include "tests/node/answering_reactor.h"

namespace cardflow {
namespace {

// Not a protobuf message: field 1 with wire type 7, which does not exist.
const std::string kGarbage("\x0f\x00", 2);

class GarbageNode final : public wire::Node::WithCallbackMethod_Ping<
                              wire::Node::WithRawCallbackMethod_Run<wire::Node::Service>> {
 public:
  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* context, const wire::PingRequest*,
                                 wire::PingReply* reply) override {
    reply->set_protocol(kProtocolVersion);
    reply->set_name("X");
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* Run(
      grpc::CallbackServerContext* context) override {
    // Answers the first RunControl with kGarbage, then waits for the caller to go.
    grpc::Slice slice(kGarbage);
    return new testing::AnsweringReactor<grpc::ByteBuffer, grpc::ByteBuffer>(
        grpc::ByteBuffer(&slice, 1), /*once=*/true, context->c_call());
  }
};

TEST(MalformedReplyTest, ARunUpdateThatDoesNotParseFailsTheRunSayingSo) {
  GarbageNode service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  ASSERT_GT(port, 0);
  const std::string address = "127.0.0.1:" + std::to_string(port);

  const std::string text = "stack A on X:\n    set a 1\n";
  const Program program = testing::MustLoad(text);
  ClusterOptions options;
  options.nodes = {{"X", address}};
  options.runs = 1;
  const StatusOr<Report> report = RunCluster(program, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(ClusterExitCode(report.status()), 3);
  // The run's id is drawn: all but it, exactly.
  const std::string& message = report.status().message();
  const std::string head = "node X at " + address + " ended run ";
  const std::string tail =
      " (seed 1) with error 3: message 1 of the Run call is not a valid RunUpdate (2 bytes that "
      "do not parse)";
  EXPECT_EQ(message.substr(0, head.size()), head) << message;
  ASSERT_GE(message.size(), head.size() + 16 + tail.size()) << message;
  EXPECT_EQ(message.substr(head.size() + 16), tail) << message;
  server->Shutdown();
}

}  // namespace
}  // namespace cardflow
