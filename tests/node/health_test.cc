// grpc.health.v1 on an embedded NodeServer: SERVING once Start returns;
// and server reflection lists the node's services.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <string>

#include "node/node_server.h"
#include "proto/channel_settings.h"
#include "proto/health.grpc.pb.h"
#include "tests/node/reflection_call.h"

namespace cardflow {
namespace {

using grpc::health::v1::HealthCheckResponse;

// Node X on one thread, logging nothing.
NodeOptions QuietNode() {
  NodeOptions options;
  options.name = "X";
  options.threads = 1;
  options.log_level = "off";
  return options;
}

TEST(HealthTest, StartedNodeIsServing) {
  NodeServer node(QuietNode());
  StatusOr<std::string> address = node.Start();
  ASSERT_TRUE(address.ok()) << address.status().ToString();

  auto stub = grpc::health::v1::Health::NewStub(MakeChannel(*address, LinkSecurity()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckRequest request;
  HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
}

TEST(HealthTest, ReflectionListsTheServices) {
  NodeServer node(QuietNode());
  StatusOr<std::string> address = node.Start();
  ASSERT_TRUE(address.ok()) << address.status().ToString();

  grpc::GenericStub stub(MakeChannel(*address, LinkSecurity()));
  // ServerReflectionRequest{list_services: ""}: field 7, length-delimited, empty.
  testing::ReflectionCall call(stub, std::string("\x3a\x00", 2));
  std::string answer;
  const grpc::Status status = call.Wait(&answer);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_NE(answer.find("cardflow."), std::string::npos) << answer;
  EXPECT_NE(answer.find("grpc.health.v1.Health"), std::string::npos) << answer;
}

}  // namespace
}  // namespace cardflow
