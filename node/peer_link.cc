#include "node/peer_link.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/base/tsan_edges.h"
#include "proto/convert.h"
#include "proto/grpc_status.h"
#include "proto/protocol.h"

namespace cardflow {

PeerLink::PeerLink(std::string address, std::string self_name, DoneFn on_done)
    : address_(std::move(address)),
      self_name_(std::move(self_name)),
      on_done_(std::move(on_done)),
      outbox_(
          [this](Batch* batch) {
            // One write at a time (the Outbox's promise): writing_ is free.
            // A fresh message, so that no batch's objects stay cached in it.
            writing_ = wire::CallbackBatch();
            writing_.set_protocol(kProtocolVersion);
            writing_.set_batch(batch->number);
            if (batch->number == 1) writing_.set_sender(self_name_);
            writing_.mutable_callbacks()->Reserve(static_cast<int>(batch->callbacks.size()));
            for (const Batch::Entry& entry : batch->callbacks) {
              ToWire(entry.run_id, entry.callback, writing_.add_callbacks());
            }
            *batch = Batch{};
            HappensBefore(Edge(this, ReactorOp::kWrite));
            StartWrite(&writing_);
            HappensBefore(Edge(this, ReactorOp::kDone));
          },
          [this](Batch& batch) { batch.number = ++next_batch_; }, kMaxBatch) {}

std::shared_ptr<PeerLink> PeerLink::Open(wire::Node::Stub& stub, std::string address,
                                         std::string self_name,
                                         std::chrono::system_clock::time_point deadline,
                                         DoneFn on_done) {
  std::shared_ptr<PeerLink> link(
      new PeerLink(std::move(address), std::move(self_name), std::move(on_done)));
  link->self_ = link;
  link->started_ = std::chrono::steady_clock::now();
  link->context_.set_deadline(deadline);
  stub.async()->Deliver(&link->context_, link.get());
  link->AddHold();  // writes start from other threads; released when the outbox closes
  link->StartRead(&link->ack_);
  HappensBeforeAll(link.get());  // the reactions run on gRPC's threads
  link->StartCall();
  return link;
}

bool PeerLink::Send(uint64_t run_id, ChannelId channel, uint64_t seq, int64_t value,
                    uint64_t lamport) {
  return outbox_.Add(1, [&](Batch& batch) {
    batch.callbacks.push_back(Batch::Entry{run_id, msg::Callback{channel, seq, value, lamport}});
    const std::pair<uint64_t, uint64_t> entry(batch.number, run_id);
    MutexLock lock(unacked_mutex_);
    if (unacked_.empty() || unacked_.back() != entry) unacked_.push_back(entry);
    numbered_ = std::max(numbered_, batch.number);
  });
}

void PeerLink::Close() {
  outbox_.Close(
      [this] {
        HappensBefore(Edge(this, ReactorOp::kDone));
        StartWritesDone();
        RemoveHold();
      },
      /*drain=*/true);
}

void PeerLink::OnReadDone(bool ok) {
  HappensAfter(Edge(this, ReactorOp::kRead));
  ReactionEnd end(this);
  if (!ok) {  // the stream is over: stop writing and let OnDone come
    outbox_.Close([this] { RemoveHold(); }, /*drain=*/false);
    return;
  }
  if (Status s = CheckAck(); !s.ok()) {
    // A peer we cannot understand: stop writing, end the stream, and let
    // OnDone fail its runs with what was wrong rather than "cancelled".
    {
      MutexLock lock(unacked_mutex_);
      refused_ = ToGrpcStatus(s);
    }
    Cancel();
    outbox_.Close([this] { RemoveHold(); }, /*drain=*/false);
    return;
  }
  acked_ = ack_.batch();
  {
    MutexLock lock(unacked_mutex_);
    while (!unacked_.empty() && unacked_.front().first <= acked_) unacked_.pop_front();
  }
  HappensBefore(Edge(this, ReactorOp::kRead));
  StartRead(&ack_);
}

Status PeerLink::CheckAck() const {
  const auto malformed = [this](const std::string& what) {
    return fmt::format("node at {} sent a malformed CallbackAck: {}", address_, what);
  };
  if (Status s = CheckProtocol(ack_.protocol(), "CallbackAck"); !s.ok()) {
    return Status(s.code(), malformed(s.message()));
  }
  uint64_t numbered;
  {
    MutexLock lock(unacked_mutex_);
    numbered = numbered_;
  }
  // Acks are cumulative: each names the latest batch delivered, so one that
  // goes back or names a batch never sent cannot be trusted about any.
  if (ack_.batch() > numbered) {
    return InvalidArgumentError(malformed(fmt::format(
        "it acknowledges batch {}, the last batch sent is {}", ack_.batch(), numbered)));
  }
  if (ack_.batch() == 0) return InvalidArgumentError(malformed("it acknowledges batch 0"));
  if (ack_.batch() < acked_) {
    return InvalidArgumentError(malformed(fmt::format(
        "it acknowledges batch {} after batch {}: acks count up", ack_.batch(), acked_)));
  }
  return Status::Ok();
}

void PeerLink::OnWriteDone(bool ok) {
  HappensAfter(Edge(this, ReactorOp::kWrite));
  ReactionEnd end(this);
  outbox_.OnWriteDone(ok);
}

void PeerLink::OnDone(const grpc::Status& status) {
  HappensAfter(Edge(this, ReactorOp::kDone));
  std::vector<uint64_t> lost;
  grpc::Status ended = status;
  {
    MutexLock lock(unacked_mutex_);
    if (!refused_.ok()) ended = refused_;
    if (!ended.ok()) {
      for (const auto& [batch, run] : unacked_) lost.push_back(run);
    }
  }
  std::sort(lost.begin(), lost.end());
  lost.erase(std::unique(lost.begin(), lost.end()), lost.end());
  on_done_(this, ended, std::move(lost));
  auto self = std::move(self_);  // may destroy *this: the last thing done
}

}  // namespace cardflow
