#include "node/deliver_stream.h"

#include <fmt/format.h>

#include "common/base/tsan_edges.h"
#include "node/node_metrics.h"
#include "node/node_run.h"
#include "proto/convert.h"
#include "proto/grpc_status.h"
#include "proto/protocol.h"
#include "proto/raw_message.h"

namespace cardflow {

bool DeliverStreams::Add(DeliverStream* stream) {
  MutexLock lock(mutex_);
  if (ended_) return false;
  open_.insert(stream);
  return true;
}

void DeliverStreams::Remove(DeliverStream* stream) {
  MutexLock lock(mutex_);
  open_.erase(stream);
}

void DeliverStreams::EndAll(const std::string& why) {
  // Held throughout: a stream's OnDone (which deletes it) waits in Remove
  // until this has stopped touching it.
  MutexLock lock(mutex_);
  if (ended_) return;
  why_ = why;
  ended_ = true;
  for (DeliverStream* stream : open_) stream->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, why));
}

DeliverStream::DeliverStream(NodeContext& node, std::string peer, const void* call)
    : node_(node),
      peer_(std::move(peer)),
      call_(call),
      outbox_(
          [this](const wire::CallbackAck* ack) {
            if (node_.metrics) {
              MutexLock lock(acks_mutex_);
              ack_writing_ = ack->batch();
            }
            SerializeMessage(*ack, write_bytes_);  // one write at a time: it is free
            HappensBefore(Edge(this, ReactorOp::kWrite));
            StartWrite(&write_bytes_);
            HappensBefore(Edge(this, ReactorOp::kDone));
          },
          [](wire::CallbackAck& ack) { ack.set_protocol(kProtocolVersion); },
          /*max_items=*/1) {
  HappensBeforeAll(this);  // the reactions run on gRPC's threads
  if (!node_.deliveries.Add(this)) {
    End(grpc::Status(grpc::StatusCode::UNAVAILABLE, node_.deliveries.why()));
    return;
  }
  StartRead(&read_bytes_);
}

void DeliverStream::OnDone() {
  HappensAfter(Edge(this, ReactorOp::kDone));
  HappensAfter(call_);
  node_.deliveries.Remove(this);
  NodeContext& node = node_;
  delete this;           // cached_run_ may hold a run's last reference
  HappensBefore(&node);  // all of it before NodeServer::Stop's server->Wait() returns
}

void DeliverStream::OnReadDone(bool ok) {
  HappensAfter(Edge(this, ReactorOp::kRead));
  ReactionEnd end(this);
  if (!ok) return End(grpc::Status::OK);  // the sender closed its stream
  const uint64_t index = ++messages_read_;
  Status s = ParseMessage(read_bytes_, batch_, "CallbackBatch", "Deliver", index);
  if (s.ok()) s = Check(index);
  if (!s.ok()) {
    node_.log->warn("callback stream from {}: {}", peer_, s.message());
    return End(ToGrpcStatus(s));
  }
  if (!batch_.sender().empty()) sender_ = batch_.sender();
  if (node_.metrics) {
    MutexLock lock(acks_mutex_);
    unacked_.emplace_back(batch_.batch(), std::chrono::steady_clock::now());
  }
  for (const wire::Callback& callback : batch_.callbacks()) Deliver(callback);
  cached_run_.reset();  // do not keep a finished run alive between batches
  cached_id_ = 0;
  delivered_ = batch_.batch();
  // A big batch's callbacks would otherwise stay cached in batch_ for the
  // life of the stream.
  ReleaseIfLarge(batch_, static_cast<size_t>(batch_.callbacks_size()));
  Ack();
  HappensBefore(Edge(this, ReactorOp::kRead));
  StartRead(&read_bytes_);
}

Status DeliverStream::Check(uint64_t index) const {
  if (Status s = CheckProtocol(batch_.protocol(), "CallbackBatch"); !s.ok()) return s;
  // Batches count up from 1 by one on each stream (cardflow.proto): acks are
  // cumulative, so one out of order would acknowledge callbacks never seen.
  if (batch_.batch() != delivered_ + 1) {
    return InvalidArgumentError(fmt::format(
        "CallbackBatch {} came as message {} of the Deliver call, after batch {}: batches count "
        "up from 1 by one",
        batch_.batch(), index, delivered_));
  }
  return Status::Ok();
}

void DeliverStream::OnWriteDone(bool ok) {
  HappensAfter(Edge(this, ReactorOp::kWrite));
  ReactionEnd end(this);
  if (ok && node_.metrics) {  // before the next write changes ack_writing_
    const auto now = std::chrono::steady_clock::now();
    MutexLock lock(acks_mutex_);
    while (!unacked_.empty() && unacked_.front().first <= ack_writing_) {
      node_.metrics->CallbackBatchAcked(now - unacked_.front().second);
      unacked_.pop_front();
    }
  }
  outbox_.OnWriteDone(ok);
}

void DeliverStream::Ack() {
  const uint64_t delivered = delivered_;
  outbox_.Add(0, [delivered](wire::CallbackAck& ack) { ack.set_batch(delivered); });
}

void DeliverStream::Deliver(const wire::Callback& callback) {
  if (callback.run_id() != cached_id_) {
    cached_id_ = callback.run_id();
    cached_run_ = node_.runs.Find(cached_id_);
  }
  if (!cached_run_) {
    if (dropped_++ == 0) {
      node_.log->debug("callback for run {:016x}, which this node no longer holds, dropped",
                       callback.run_id());
    }
    return;
  }
  if (Status s = cached_run_->Arrive(FromWire(callback)); !s.ok()) {
    const std::string sender = sender_.empty() ? peer_ : sender_;
    cached_run_->Fault(sender, peer_, "bad callback from node " + sender + ": " + s.message());
  }
}

void DeliverStream::OnCancel() {
  ReactionEnd end(this);
  End(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
}

void DeliverStream::End(const grpc::Status& status) {
  outbox_.Close(
      [this, status] {
        HappensBefore(Edge(this, ReactorOp::kDone));
        Finish(status);
      },
      /*drain=*/true);
}

}  // namespace cardflow
