// RawCall: a call to a Node method with messages given as raw bytes — what a
// client that does not speak our protobuf (or a broken one) sends — for
// tests of what the node answers.
//
// Thread-safety: one test thread builds it and waits; gRPC's threads run
// the reactions.
#pragma once

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "common/base/tsan_edges.h"

namespace cardflow::testing {

inline grpc::ByteBuffer Bytes(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// A bidirectional stream on `method` ("/cardflow.wire.Node/Run"): writes
// `messages` in order, half-closes, reads every reply to the end.
class RawStreamCall final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  RawStreamCall(grpc::GenericStub& stub, const std::string& method,
                const std::vector<std::string>& messages) {
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    for (const std::string& message : messages) messages_.push_back(Bytes(message));
    stub.PrepareBidiStreamingCall(&context_, method, {}, this);
    StartRead(&reply_);
    WriteNext();
    HappensBeforeAll(this);  // reactions run on gRPC's threads (tsan_edges.h)
    StartCall();
  }

  void OnWriteDone(bool ok) override {
    HappensAfter(Edge(this, ReactorOp::kWrite));
    ReactionEnd end(this);
    if (ok) WriteNext();
  }
  void OnReadDone(bool ok) override {
    HappensAfter(Edge(this, ReactorOp::kRead));
    ReactionEnd end(this);
    if (!ok) return;
    ++replies_;
    HappensBefore(Edge(this, ReactorOp::kRead));
    StartRead(&reply_);
  }
  void OnDone(const grpc::Status& status) override {
    HappensAfter(Edge(this, ReactorOp::kDone));
    done_.set_value(status);
  }

  // How the call ended; *replies = how many messages the node sent.
  grpc::Status Wait(int* replies = nullptr) {
    grpc::Status status = done_.get_future().get();
    if (replies) *replies = replies_;
    return status;
  }

 private:
  void WriteNext() {
    if (next_ < messages_.size()) {
      HappensBefore(Edge(this, ReactorOp::kWrite));
      StartWrite(&messages_[next_++]);
    } else if (!closed_) {
      closed_ = true;
      StartWritesDone();
    }
  }

  grpc::ClientContext context_;
  std::vector<grpc::ByteBuffer> messages_;
  size_t next_ = 0;  // reactions run one at a time
  bool closed_ = false;
  grpc::ByteBuffer reply_;
  int replies_ = 0;
  std::promise<grpc::Status> done_;
};

// A unary call on `method` with `request` as its bytes.
inline grpc::Status RawUnaryCall(grpc::GenericStub& stub, const std::string& method,
                                 const std::string& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  const grpc::ByteBuffer bytes = Bytes(request);
  grpc::ByteBuffer reply;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, {}, &bytes, &reply,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  return done.get_future().get();
}

}  // namespace cardflow::testing
