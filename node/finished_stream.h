// FinishedStream: a server stream that ends at once with a status, for a
// call refused before it starts (the token gate, NodeService) or a method a
// port does not serve (the health port, NodeServer). Deletes itself in
// OnDone.
#pragma once

#include <grpcpp/grpcpp.h>

#include "common/base/tsan_edges.h"

namespace cardflow {

template <typename Request, typename Response>
class FinishedStream final : public grpc::ServerBidiReactor<Request, Response> {
 public:
  // `call`: the call's grpc_call* (CallbackServerContext::c_call()), which
  // OnDone acquires under TSan (common/base/tsan_edges.h).
  FinishedStream(const grpc::Status& status, const void* call) : call_(call) {
    HappensBefore(Edge(this, ReactorOp::kDone));  // OnDone may run on another thread
    this->Finish(status);
  }
  void OnDone() override {
    HappensAfter(Edge(this, ReactorOp::kDone));
    HappensAfter(call_);
    delete this;
  }

 private:
  const void* const call_;
};

}  // namespace cardflow
