// NodeCall: the coordinator's end of one Node.Run call — one node's part in
// one run. It sends RunControl messages (batched by an Outbox) and hands
// every RunUpdate and the call's end to its Owner. It is the coordinator's
// RPC edge: the Owner sends and receives the domain messages of
// common/run/run_messages.h, converted here (proto/convert.h).
//
// Messages travel as raw bytes, parsed here (proto/raw_message.h): an update
// that is not a valid RunUpdate cancels the call, and the Owner hears
// INVALID_ARGUMENT saying so ("message N of the Run call is not a valid
// RunUpdate (B bytes that do not parse)") — on gRPC's typed API it would
// look like the node closing the stream.
//
// It keeps RunCall's contract (run_call.h). Lifetime: the Owner keeps the
// NodeCall until OnCallDone, the last thing it is told; a call always gets
// there (deadline, error or Close).
// Thread-safety: Start once; Send, Close, Cancel from any thread.
#pragma once

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/base/tsan_edges.h"
#include "common/run/run_messages.h"
#include "common/status/status.h"
#include "coordinator/cluster/cluster_observer.h"
#include "coordinator/cluster/run_call.h"
#include "proto/cardflow.grpc.pb.h"
#include "proto/outbox.h"

namespace cardflow {

class NodeCall final : public RunCall,
                       public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  // Table replies merged into one message at most.
  static constexpr size_t kMaxBatch = 4096;

  // A call on `stub` (which must outlive it). `observer` (may be null) is
  // told how long the call and each batch of table requests from node
  // `node` took.
  NodeCall(Owner& owner, size_t index, grpc::GenericStub& stub, ClusterObserver* observer = nullptr,
           std::string node = {});

  // RunCall (run_call.h).
  void Start(std::chrono::system_clock::time_point deadline, msg::Assign assign) override;
  bool Send(msg::Assign assign) override;
  bool SendStart() override;
  bool SendCancel() override;
  bool Send(const std::vector<msg::TableReply>& replies) override;
  bool Send(const msg::StepGrant& grant) override;
  bool Send(const msg::Reroute& reroute) override;
  void Close() override;
  void Cancel() {
    HappensBefore(Edge(this, ReactorOp::kDone));  // OnDone follows, on a gRPC thread
    context_.TryCancel();
  }

 private:
  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

  Owner& owner_;
  const size_t index_;
  grpc::GenericStub& stub_;
  ClusterObserver* const observer_;
  const std::string node_;
  std::chrono::steady_clock::time_point started_;  // set by Start
  grpc::ClientContext context_;
  grpc::ByteBuffer write_bytes_;  // the message being written (one at a time)
  Outbox<wire::RunControl> outbox_;
  grpc::ByteBuffer read_bytes_;  // the update being read
  uint64_t updates_read_ = 0;    // reads complete so far (one at a time)
  wire::RunUpdate update_;       // read_bytes_, parsed
  grpc::Status malformed_;       // not OK once an update did not parse
};

}  // namespace cardflow
