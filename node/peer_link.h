// PeerLink: this node's callback stream to one other node (Node.Deliver),
// shared by every run that sends callbacks there.
//
// Callbacks go out in the order Send is called (so each channel stays FIFO),
// batched by the Outbox while a write is in flight. The receiver acknowledges
// batches cumulatively; a callback counts as
// delivered once acknowledged, or once the stream ends with OK (the receiver
// read it to its end). When the stream breaks, the runs with callbacks not
// acknowledged may have lost some: `on_done` names them, and those that are
// still running fail.
//
// A CallbackAck that breaks the protocol (no protocol version, another
// version, a batch this link never sent, a batch before one already
// acknowledged) ends the stream: `on_done` then gets INVALID_ARGUMENT
// (FAILED_PRECONDITION for another version) saying what was wrong, e.g.
// "node at HOST:PORT sent a malformed CallbackAck: it acknowledges batch 9,
// the last batch sent is 2", instead of the CANCELLED the reactor sees, and every
// run with callbacks not acknowledged is named as lost.
//
// Lifetime: a PeerLink keeps itself alive from Open() until its OnDone.
// Thread-safety: Send, Close, Cancel may be called from any thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/base/mutex.h"
#include "common/base/tsan_edges.h"
#include "common/deck/program.h"
#include "common/run/run_messages.h"
#include "common/status/status.h"
#include "proto/cardflow.grpc.pb.h"
#include "proto/outbox.h"

namespace cardflow {

class PeerLink final : public grpc::ClientBidiReactor<wire::CallbackBatch, wire::CallbackAck> {
 public:
  // Called once, from a gRPC thread, when the stream is over: its status and
  // the runs whose callbacks may be lost (empty after a clean Close).
  using DoneFn =
      std::function<void(PeerLink* link, const grpc::Status& status, std::vector<uint64_t> lost)>;

  // Most callbacks one batch carries.
  static constexpr size_t kMaxBatch = 4096;

  // Opens a stream through `stub` (which must outlive it) with `deadline`.
  static std::shared_ptr<PeerLink> Open(wire::Node::Stub& stub, std::string address,
                                        std::string self_name,
                                        std::chrono::system_clock::time_point deadline,
                                        DoneFn on_done);

  // Queues one callback. Never blocks. False when the stream is closed or
  // broken: the callback was not sent.
  bool Send(uint64_t run_id, ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport);

  // Half-closes once what is queued is written; the receiver then ends the stream.
  void Close();
  // Ends the stream now; unacknowledged callbacks may be lost.
  void Cancel() {
    HappensBefore(Edge(this, ReactorOp::kDone));  // OnDone follows, on a gRPC thread
    context_.TryCancel();
  }

  // False once the stream is closing or broken: use a new link.
  bool usable() const { return !outbox_.closed(); }
  const std::string& address() const { return address_; }
  // Whether the peer acknowledged any batch on this stream (it was
  // reachable). Read it in `on_done`: no read races with it then.
  bool delivered() const { return acked_ > 0; }
  std::chrono::steady_clock::time_point started() const { return started_; }

 private:
  PeerLink(std::string address, std::string self_name, DoneFn on_done);

  void OnWriteDone(bool ok) override;
  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;
  // OK, or what is wrong with ack_ (just read).
  Status CheckAck() const EXCLUDES(unacked_mutex_);

  const std::string address_;
  const std::string self_name_;
  const DoneFn on_done_;
  std::chrono::steady_clock::time_point started_;
  grpc::ClientContext context_;
  std::shared_ptr<PeerLink> self_;  // set by Open, released in OnDone
  uint64_t next_batch_ = 0;         // guarded by the outbox's lock (its init)
  // A batch as queued: plain entries (a wire message's objects are a few
  // times their size), made into the wire message only when written.
  struct Batch {
    struct Entry {
      uint64_t run_id = 0;
      msg::Callback callback;
    };
    uint64_t number = 0;  // the stream's first is 1 (and names the sender)
    std::vector<Entry> callbacks;
  };
  Outbox<Batch> outbox_;
  wire::CallbackBatch writing_;  // the batch being written (one at a time)
  wire::CallbackAck ack_;
  uint64_t acked_ = 0;  // the latest batch acknowledged; OnReadDone only (one read at a time)

  mutable Mutex unacked_mutex_;
  // (batch, run) for every run with callbacks in a batch not yet acknowledged,
  // in batch order.
  std::deque<std::pair<uint64_t, uint64_t>> unacked_ GUARDED_BY(unacked_mutex_);
  // The highest batch number given out.
  uint64_t numbered_ GUARDED_BY(unacked_mutex_) = 0;
  // Why this end broke the stream off (a malformed ack); OK otherwise.
  grpc::Status refused_ GUARDED_BY(unacked_mutex_);
};

}  // namespace cardflow
