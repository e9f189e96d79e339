// AnsweringReactor: the server end of a bidi stream for tests — a peer that
// answers what it reads with one fixed reply, the first message only
// (`once`) or each one (while no write is in flight), and ends OK once the
// caller has closed or cancelled and no write is outstanding, as a peer that
// thinks nothing went wrong would. Deletes itself in OnDone.
#pragma once

#include <grpcpp/grpcpp.h>

#include <mutex>
#include <utility>

#include "common/base/tsan_edges.h"
namespace cardflow::testing {

template <typename Read, typename Write>
class AnsweringReactor final : public grpc::ServerBidiReactor<Read, Write> {
 public:
  // `call`: the call's grpc_call* (CallbackServerContext::c_call()), which
  // OnDone acquires under TSan (common/base/tsan_edges.h).
  AnsweringReactor(Write reply, bool once, const void* call)
      : reply_(std::move(reply)), once_(once), call_(call) {
    HappensBeforeAll(this);  // reactions run on gRPC's threads (tsan_edges.h)
    this->StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    HappensAfter(Edge(this, ReactorOp::kRead));
    ReactionEnd end(this);
    std::lock_guard lock(mutex_);
    if (!ok) {
      reading_ = false;
      MaybeFinish();
      return;
    }
    if (!writing_ && !(once_ && wrote_)) {
      wrote_ = writing_ = true;
      HappensBefore(Edge(this, ReactorOp::kWrite));
      this->StartWrite(&reply_);
    }
    HappensBefore(Edge(this, ReactorOp::kRead));
    this->StartRead(&in_);
  }
  void OnWriteDone(bool) override {
    HappensAfter(Edge(this, ReactorOp::kWrite));
    ReactionEnd end(this);
    std::lock_guard lock(mutex_);
    writing_ = false;
    MaybeFinish();
  }
  void OnDone() override {
    HappensAfter(Edge(this, ReactorOp::kDone));
    HappensAfter(call_);
    delete this;
  }

 private:
  void MaybeFinish() {
    if (reading_ || writing_ || finished_) return;
    finished_ = true;
    this->Finish(grpc::Status::OK);
  }

  std::mutex mutex_;  // reactions may run on two threads at once
  Read in_;
  const Write reply_;
  const bool once_;
  const void* const call_;
  bool wrote_ = false;
  bool writing_ = false;
  bool reading_ = true;
  bool finished_ = false;
};

}  // namespace cardflow::testing
