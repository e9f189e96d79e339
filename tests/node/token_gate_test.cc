// A node started with a token refuses every call without it — Ping, Run,
// Deliver, grpc.health.v1 and server reflection — with UNAUTHENTICATED and a
// message, and answers the same calls when they carry it. Over plaintext:
// the token does not need TLS.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "node/node_server.h"
#include "proto/cardflow.grpc.pb.h"
#include "proto/channel_settings.h"
#include "proto/health.grpc.pb.h"
#include "proto/protocol.h"
#include "tests/node/reflection_call.h"

namespace cardflow {
namespace {

// The token as the client side holds it: right, wrong, or none.
enum class Token { kRight, kWrong, kNone };

class TokenGateTest : public ::testing::TestWithParam<Token> {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/cardflow-token-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    std::ofstream(dir_ / "token") << "node-secret-1\n";
    std::ofstream(dir_ / "other") << "node-secret-2\n";

    NodeOptions options;
    options.name = "X";
    options.threads = 1;
    options.log_level = "off";
    options.security = Security("token");
    node_ = std::make_unique<NodeServer>(options);
    StatusOr<std::string> address = node_->Start();
    ASSERT_TRUE(address.ok()) << address.status().ToString();
    const LinkSecurity client = GetParam() == Token::kRight   ? Security("token")
                                : GetParam() == Token::kWrong ? Security("other")
                                                              : LinkSecurity();
    channel_ = MakeChannel(*address, client);
  }

  void TearDown() override {
    node_.reset();
    std::filesystem::remove_all(dir_);
  }

  LinkSecurity Security(const std::string& token_file) const {
    StatusOr<LinkSecurity> security =
        LinkSecurity::Load({/*cert*/ "", /*key*/ "", /*ca*/ "", (dir_ / token_file).string()});
    EXPECT_TRUE(security.ok()) << security.status().ToString();
    return security.ok() ? *security : LinkSecurity();
  }

  // Checks a call's status against the parameter: OK with the right token,
  // UNAUTHENTICATED saying what was wrong otherwise.
  static void ExpectAdmittedOrRefused(const grpc::Status& status) {
    switch (GetParam()) {
      case Token::kRight:
        EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
        break;
      case Token::kWrong:
        EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
        EXPECT_NE(status.error_message().find("wrong token"), std::string::npos)
            << status.error_message();
        break;
      case Token::kNone:
        EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
        EXPECT_NE(status.error_message().find("no token"), std::string::npos)
            << status.error_message();
        break;
    }
  }

  static void SetDeadline(grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

  std::filesystem::path dir_;
  std::unique_ptr<NodeServer> node_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_P(TokenGateTest, Ping) {
  auto stub = wire::Node::NewStub(channel_);
  grpc::ClientContext context;
  SetDeadline(context);
  wire::PingRequest request;
  request.set_protocol(kProtocolVersion);
  wire::PingReply reply;
  const grpc::Status status = stub->Ping(&context, request, &reply);
  ExpectAdmittedOrRefused(status);
  EXPECT_EQ(reply.name(), GetParam() == Token::kRight ? "X" : "");
}

TEST_P(TokenGateTest, RunStream) {
  // No message at all: an admitted Run call ends with the node's complaint
  // about that, a refused one with UNAUTHENTICATED.
  auto stub = wire::Node::NewStub(channel_);
  grpc::ClientContext context;
  SetDeadline(context);
  auto stream = stub->Run(&context);
  stream->WritesDone();
  wire::RunUpdate update;
  while (stream->Read(&update)) {
  }
  const grpc::Status status = stream->Finish();
  if (GetParam() == Token::kRight) {
    EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  } else {
    ExpectAdmittedOrRefused(status);
  }
}

TEST_P(TokenGateTest, DeliverStream) {
  auto stub = wire::Node::NewStub(channel_);
  grpc::ClientContext context;
  SetDeadline(context);
  auto stream = stub->Deliver(&context);
  stream->WritesDone();
  wire::CallbackAck ack;
  while (stream->Read(&ack)) {
  }
  const grpc::Status status = stream->Finish();
  if (GetParam() == Token::kRight) {
    EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  } else {
    ExpectAdmittedOrRefused(status);
  }
}

TEST_P(TokenGateTest, HealthCheck) {
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext context;
  SetDeadline(context);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ExpectAdmittedOrRefused(stub->Check(&context, request, &response));
}

TEST_P(TokenGateTest, Reflection) {
  grpc::GenericStub stub(channel_);
  testing::ReflectionCall call(stub, std::string("\x3a\x00", 2));  // list_services
  std::string answer;
  ExpectAdmittedOrRefused(call.Wait(&answer));
  // A refused caller learns nothing about the services.
  EXPECT_EQ(answer.find("cardflow.") != std::string::npos, GetParam() == Token::kRight) << answer;
}

INSTANTIATE_TEST_SUITE_P(Tokens, TokenGateTest,
                         ::testing::Values(Token::kRight, Token::kWrong, Token::kNone),
                         [](const ::testing::TestParamInfo<Token>& test) {
                           return test.param == Token::kRight   ? "Right"
                                  : test.param == Token::kWrong ? "Wrong"
                                                                : "Missing";
                         });

}  // namespace
}  // namespace cardflow
