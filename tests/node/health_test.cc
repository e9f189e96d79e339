// grpc.health.v1 on an embedded NodeServer: SERVING once Start returns;
// and server reflection lists the node's services.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <future>
#include <string>

#include "node/node_server.h"
#include "proto/channel_settings.h"
#include "proto/health.grpc.pb.h"

namespace cardflow {
namespace {

using grpc::health::v1::HealthCheckResponse;

TEST(HealthTest, StartedNodeIsServing) {
  NodeOptions options;
  options.name = "X";
  options.threads = 1;
  options.log_level = "off";
  NodeServer node(options);
  StatusOr<std::string> address = node.Start();
  ASSERT_TRUE(address.ok()) << address.status().ToString();

  auto stub = grpc::health::v1::Health::NewStub(MakeChannel(*address));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckRequest request;
  HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
}

// One ServerReflectionInfo exchange as raw bytes: Debian ships the
// reflection service but not its generated client.
class ReflectionCall final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  ReflectionCall(grpc::GenericStub& stub, const std::string& request_bytes) {
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::Slice slice(request_bytes);
    request_ = grpc::ByteBuffer(&slice, 1);
    stub.PrepareBidiStreamingCall(
        &context_, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", {}, this);
    StartWrite(&request_);
    StartRead(&response_);
    StartCall();
  }

  void OnWriteDone(bool ok) override {
    if (ok) StartWritesDone();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    std::vector<grpc::Slice> slices;
    if (response_.Dump(&slices).ok()) {
      for (const grpc::Slice& slice : slices) {
        answer_.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
      }
    }
  }
  void OnDone(const grpc::Status& status) override { done_.set_value(status); }

  // The call's status and the response's bytes.
  grpc::Status Wait(std::string* answer) {
    grpc::Status status = done_.get_future().get();
    *answer = answer_;
    return status;
  }

 private:
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::string answer_;
  std::promise<grpc::Status> done_;
};

TEST(HealthTest, ReflectionListsTheServices) {
  NodeOptions options;
  options.name = "X";
  options.threads = 1;
  options.log_level = "off";
  NodeServer node(options);
  StatusOr<std::string> address = node.Start();
  ASSERT_TRUE(address.ok()) << address.status().ToString();

  grpc::GenericStub stub(MakeChannel(*address));
  // ServerReflectionRequest{list_services: ""}: field 7, length-delimited, empty.
  ReflectionCall call(stub, std::string("\x3a\x00", 2));
  std::string answer;
  const grpc::Status status = call.Wait(&answer);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_NE(answer.find("cardflow."), std::string::npos) << answer;
  EXPECT_NE(answer.find("grpc.health.v1.Health"), std::string::npos) << answer;
}

}  // namespace
}  // namespace cardflow
