// ReflectionCall: one grpc.reflection ServerReflectionInfo exchange as raw
// bytes, for tests — Debian ships the reflection service but not its
// generated client.
#pragma once

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "common/base/tsan_edges.h"
namespace cardflow::testing {

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
    HappensBeforeAll(this);  // reactions run on gRPC's threads (tsan_edges.h)
    StartCall();
  }

  void OnWriteDone(bool ok) override {
    HappensAfter(Edge(this, ReactorOp::kWrite));
    ReactionEnd end(this);
    if (ok) StartWritesDone();
  }
  void OnReadDone(bool ok) override {
    HappensAfter(Edge(this, ReactorOp::kRead));
    ReactionEnd end(this);
    if (!ok) return;
    std::vector<grpc::Slice> slices;
    if (response_.Dump(&slices).ok()) {
      for (const grpc::Slice& slice : slices) {
        answer_.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
      }
    }
  }
  void OnDone(const grpc::Status& status) override {
    HappensAfter(Edge(this, ReactorOp::kDone));
    done_.set_value(status);
  }

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

}  // namespace cardflow::testing
