// DeliverStream: the receiving end of one peer's callback stream
// (Node.Deliver). Each batch's callbacks go into their runs' inboxes, in
// order, then the batch is acknowledged (acks are cumulative and merge while
// one is being written). A callback for a run this node no longer holds (it
// ended: in `none` mode callbacks may outlive their receiver) is dropped; one
// its run rejects fails that run, naming the sender. A message that is not a
// CallbackBatch, lacks the protocol version, or whose `batch` does not count
// up from 1 by one (out of order, repeated) ends the stream with
// INVALID_ARGUMENT naming what was wrong (FAILED_PRECONDITION for another
// protocol version). Messages travel as raw bytes (NodeService), parsed
// here. Deletes itself in OnDone.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>

#include "common/base/mutex.h"
#include "common/status/status.h"
#include "node/node_context.h"
#include "proto/cardflow.grpc.pb.h"
#include "proto/outbox.h"

namespace cardflow {

class NodeRun;

class DeliverStream final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  // `call`: the call's grpc_call* (CallbackServerContext::c_call()), the
  // key OnDone acquires under TSan (common/base/tsan_edges.h).
  DeliverStream(NodeContext& node, std::string peer, const void* call);

  // Ends the stream (shutdown): the sender sees `status`.
  void End(const grpc::Status& status);

 private:
  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;
  void Deliver(const wire::Callback& callback);
  void Ack();
  // OK, or why batch_ (just read, message `index`) cannot be taken.
  Status Check(uint64_t index) const;

  NodeContext& node_;
  const std::string peer_;  // the connection's address, for logs
  const void* const call_;
  std::string sender_;            // the sending node's name, from its first batch
  grpc::ByteBuffer read_bytes_;   // the message being read
  uint64_t messages_read_ = 0;    // reads complete so far (one at a time)
  wire::CallbackBatch batch_;     // read_bytes_, parsed
  grpc::ByteBuffer write_bytes_;  // the ack being written (one at a time)
  Outbox<wire::CallbackAck> outbox_;
  // Consecutive callbacks mostly belong to one run: look it up once.
  uint64_t cached_id_ = 0;
  std::shared_ptr<NodeRun> cached_run_;
  uint64_t dropped_ = 0;
  uint64_t delivered_ = 0;  // the latest batch delivered
  // With metrics (NodeMetrics::CallbackBatchAcked): when each batch not yet
  // acknowledged was read, and the batch the ack being written covers.
  Mutex acks_mutex_;
  std::deque<std::pair<uint64_t, std::chrono::steady_clock::time_point>> unacked_
      GUARDED_BY(acks_mutex_);
  uint64_t ack_writing_ GUARDED_BY(acks_mutex_) = 0;
};

}  // namespace cardflow
