// RemoteEffects: the Effects of the stacks one node runs for one run.
//
//  - read / write go to the coordinator's table (through Transport) and the
//    stack stays suspended until OnTableReply;
//  - notify gives the callback the next number on its channel and either
//    puts it straight into the receiver's inbox (receiver on this node) or
//    hands it to Transport for the peer stream; the sender resumes at once;
//  - await takes the next callback from the channel's inbox. In callbacks
//    mode a stack whose callback has not arrived parks its Continuation in
//    the inbox (no thread held) and Arrive resumes it. In none mode it goes
//    on with the callback or without, as the coordinator decides: the node
//    proposes what it found (Transport::SendRequest, Ask::kAwait) and follows the
//    reply — the coordinator records the decision, so a replay takes the
//    same.
//
// Recovery. Every callback this node's stacks send is kept for the life of
// the run, so that it can be sent again (SentTo) when its stream broke or
// its receiver moved to another node; inboxes take each `seq` once, in
// order, dropping one they have and putting one that comes early aside. A
// stack adopted from a dead node (Adopt) starts over with a fresh clock: fed
// the same table replies (the coordinator answers from its history) and the
// same callbacks, it recomputes the same values and Lamport times.
//
// Seeded shuffle (`gated`): every visible card — notify, await (in both
// orderings), print and a stack's end too, not only read and write — is a
// request to the coordinator, and the stack resumes only when the
// coordinator grants it (OnTableReply). A callback that arrives is held, in
// seq order, and reported (Transport::ReportArrival) until TakeIn puts it
// into its inbox: the coordinator's seeded scheduler orders every visible
// step, while the local cards in between run freely.
//
// Every step is recorded as an Event with a Lamport time: each stack has a
// clock; a send carries the sender's time, an arrival takes max(previous
// arrival on the channel, send) + 1, the await that consumes it max(own,
// arrival) + 1, and a table operation the table's time. Sorting all events of
// a run by (lamport, stack) thus respects happens-before (see verifier.h).
// Table operations are recorded by the table itself, not here.
//
// Streamed events (`event_batch` > 0). Recorded events are handed to the
// transport (Transport::SendEvents) in batches of about `event_batch`,
// outside the internal lock, by the thread whose step filled the batch —
// before that step's stack resumes. Back-pressure: when SendEvents says the
// stream is over its bound, RemoteEffects holds every continuation it would
// resume (the stack parks: its Continuation is kept, no thread waits) until
// the transport calls Drained(); callbacks that arrive meanwhile are still
// taken (and recorded), so the events held back are bounded by the stacks
// here, not by the run's length. FlushEvents hands over what is left (at a
// run's end). With `event_batch` 0 every event stays until TakeEvents.
//
// Thread-safety: every method may be called from any thread. Continuations
// and Transport are called outside the internal lock (SendEvents under
// send_mutex_ only, which orders the batches).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "common/base/mutex.h"
#include "common/deck/program.h"
#include "common/engine/effects.h"
#include "common/events/event.h"
#include "common/run/run_messages.h"
#include "common/status/status.h"

namespace cardflow {

// Sees every event as it is recorded (under a lock: keep it cheap).
using EventObserver = std::function<void(const Event&)>;

class RemoteEffects final : public Effects {
 public:
  // What a request to the coordinator asks for (read, write, await, and
  // when gated notify, print, end): the request's op.
  using Ask = msg::TableOp;

  // Where the effects that leave the node go.
  class Transport {
   public:
    virtual ~Transport() = default;
    // Asks the coordinator; the answer (but for kEnd) must come back
    // through OnTableReply: the value read, the await's decision (1 take, 0
    // go on), or anything for a write, notify or print.
    virtual void SendRequest(StackId stack, uint32_t pc, Ask ask, uint32_t var, int64_t value,
                             uint64_t lamport) = 0;
    // Sends callback `seq` of `channel` to the node of its receiver.
    virtual void SendCallback(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport) = 0;
    // Gated: callback `seq` of `channel` is here, held until TakeIn.
    virtual void ReportArrival(ChannelId channel, uint64_t seq) = 0;
    virtual void StackFailed(StackId stack, uint32_t pc, const char* what) = 0;
    // Streamed events: a batch of recorded events, in recorded order. True:
    // room for more. False: over the stream's bound — the transport must
    // call Drained() once it is back under it (or can send nothing more),
    // at some time after this call. Called by one thread at a time. The
    // default drops the batch (for transports of unbatched RemoteEffects).
    virtual bool SendEvents(std::vector<Event> events) {
      (void)events;
      return true;
    }
  };

  // `mine[s]` tells whether stack s runs on this node at first. `program`
  // and `transport` must outlive this object.
  // `event_batch`: events per streamed batch, 0 for none (see above).
  RemoteEffects(const Program& program, Ordering ordering, std::vector<bool> mine,
                Transport& transport, EventObserver observer, bool gated = false,
                size_t event_batch = 0);

  void Read(Continuation k, uint32_t pc, VarId var) override;
  void Write(Continuation k, uint32_t pc, VarId var, int64_t value) override;
  void Notify(Continuation k, uint32_t pc, ChannelId channel, int64_t value) override;
  void Await(Continuation k, uint32_t pc, ChannelId channel) override;
  void Print(Continuation k, uint32_t pc, int64_t value) override;
  void Done(StackId stack) override;
  void Failed(StackId stack, uint32_t pc, const char* what) override;

  // The coordinator answered the request `stack` has outstanding at `pc`
  // (a table operation, an await decision, or — gated — the grant of its
  // step). INVALID_ARGUMENT when no such request is outstanding.
  Status OnTableReply(StackId stack, uint32_t pc, int64_t value, uint64_t lamport);

  // Gated: the oldest held callback of `channel` goes into its inbox (and to
  // an await parked there). INVALID_ARGUMENT when none is held.
  Status TakeIn(ChannelId channel);

  // Callback `seq` of `channel` arrived from another node. A `seq` already
  // taken is dropped; one that comes early waits for those before it. The
  // receiver need not be here yet (a Reroute giving it to this node may come
  // after its callbacks). INVALID_ARGUMENT for an unknown channel or seq 0.
  Status Arrive(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport);

  // Recovery: `stacks` (not here so far) now run here, from their first
  // card. The callbacks this node's stacks sent them go into their inboxes
  // (gated: are held; call FlushArrivals afterwards to report them — Adopt
  // itself does not, so that its caller may hold a lock the transport takes;
  // for the same reason it hands no batch of events over).
  void Adopt(const std::vector<StackId>& stacks);
  // Gated: reports what was held and not yet reported. Call without locks
  // the transport takes.
  void FlushArrivals();
  // Recovery: the node's program grew (ExtendNodeProgram keeps the ids of
  // the old one and appends): tables grow to `program` and `stacks` stacks
  // known (NodeProgram::known()); `program` must
  // outlive this object as the first one must. The old program stays in
  // use by the engines made on it.
  void Extend(const Program& program, size_t stacks);

  struct SentCallback {
    ChannelId channel = 0;
    uint64_t seq = 0;
    int64_t value = 0;
    uint64_t lamport = 0;
  };
  // Every callback this node's stacks have sent to `receiver` so far, in
  // seq order per channel: to send again to the receiver's node.
  std::vector<SentCallback> SentTo(StackId receiver) const;
  bool IsMine(StackId stack) const;

  // The events recorded so far, handed over (the internal list is emptied).
  std::vector<Event> TakeEvents();

  // Streamed: hands every event recorded so far to Transport::SendEvents
  // (if any), then runs `then` before any later batch can be handed over —
  // so a message `then` sends follows every event recorded before it.
  void FlushEvents(const std::function<void()>& then);
  // The transport's stream is back under its bound: every stack held since
  // SendEvents said it was over resumes.
  void Drained();
  // Stacks held by back-pressure now (for tests and metrics).
  size_t HeldStacks() const;

 private:
  struct Message {
    int64_t value = 0;
    uint64_t seq = 0;
    uint64_t lamport = 0;  // of its arrival
  };
  struct Early {  // a callback that came before the one preceding it
    int64_t value = 0;
    uint64_t lamport = 0;  // of its send
  };
  // FIFO that allocates nothing until used (std::deque allocates ~600 bytes
  // when constructed, per channel: 60 MB for 100,000 channels).
  struct MessageQueue {
    std::vector<Message> items;
    size_t head = 0;
    bool empty() const { return head == items.size(); }
    void push_back(const Message& m) { items.push_back(m); }
    const Message& front() const { return items[head]; }
    void pop_front() {
      if (++head == items.size()) {
        items.clear();
        head = 0;
      }
    }
  };
  // Of a channel whose receiver is (or may become) here: a node of 100,000
  // stacks has as many, so what only some channels need (callbacks that
  // came early, or held for the seeded shuffle) is made when first needed
  // (96 bytes an inbox, not 160).
  struct Inbox {
    MessageQueue messages;
    uint64_t arrived = 0;
    uint64_t last_lamport = 0;  // of the latest arrival
    std::optional<Continuation> parked;
    uint32_t parked_pc = 0;
    // Gated: arrived in order, not yet taken in (lamport: of the send).
    std::unique_ptr<MessageQueue> held;
    std::unique_ptr<std::map<uint64_t, Early>> early;  // by seq, all > arrived + 1
  };
  struct StackState {  // of a stack that is here
    uint64_t clock = 0;
    std::optional<Continuation> pending;  // a request is outstanding
    uint32_t pending_pc = 0;
    Ask pending_ask = Ask::kRead;
    ChannelId pending_channel = 0;  // kAwait, kNotify
    int64_t pending_value = 0;      // kNotify, kPrint
  };
  // What to resume once the lock is released.
  struct Wakeup {
    std::optional<Continuation> k;
    std::optional<int64_t> value;
  };
  // Resumes `k`, or holds it while the stream is over its bound. Lock not held.
  void Resume(const Continuation& k, std::optional<int64_t> value);
  void Run(Wakeup& wakeup) {
    if (wakeup.k) Resume(*wakeup.k, wakeup.value);
  }
  // Streamed: hands a full batch to the transport. Lock not held.
  void MaybeFlush();
  // Hands `batch` over and notes back-pressure.
  void SendBatch(std::vector<Event> batch, uint64_t epoch) REQUIRES(send_mutex_);

  // Parks `k` and asks the coordinator.
  void AskCoordinator(Continuation k, uint32_t pc, Ask ask, uint32_t var, int64_t value);
  // What a notify does once it may: numbers the callback, records it, puts
  // it into a receiver here or hands it to the transport, resumes `k`.
  void DoNotify(Continuation k, uint32_t pc, ChannelId channel, int64_t value);
  void Record(Event event) REQUIRES(mutex_);
  void PrintLocked(StackId stack, uint32_t pc, int64_t value) REQUIRES(mutex_);
  // Puts callback `seq` into the inbox (and to a parked await).
  void InboxLocked(ChannelId channel, uint64_t seq, int64_t value, uint64_t send_lamport,
                   Wakeup& wakeup) REQUIRES(mutex_);
  // Takes callback `seq` into its inbox if it is the next one (then any
  // early ones that follow), keeps it aside if early, drops it if taken.
  void DeliverLocked(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport,
                     Wakeup& wakeup) REQUIRES(mutex_);
  void ArriveLocked(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport,
                    Wakeup& wakeup) REQUIRES(mutex_);
  int64_t Consume(StackId stack, uint32_t pc, ChannelId channel) REQUIRES(mutex_);
  Inbox& InboxOf(ChannelId channel) REQUIRES(mutex_);
  // Carries out the await decision for `k` at `pc`: take the head of
  // `channel`'s inbox (parking until it arrives) or go on without.
  void Decide(Continuation k, uint32_t pc, ChannelId channel, bool take, Wakeup& wakeup)
      REQUIRES(mutex_);

  const Program& program() const { return *program_.load(std::memory_order_acquire); }

  std::atomic<const Program*> program_;  // the last given; each extends the one before
  const Ordering ordering_;
  const bool gated_;
  Transport& transport_;
  const EventObserver observer_;
  const size_t event_batch_;

  // Orders the batches handed to the transport; taken before mutex_.
  Mutex send_mutex_;
  mutable Mutex mutex_ ACQUIRED_AFTER(send_mutex_);
  std::vector<bool> mine_ GUARDED_BY(mutex_);  // by StackId
  // By StackId, up to the last stack here.
  std::vector<StackState> stacks_ GUARDED_BY(mutex_);
  // By ChannelId, made when first used: a channel whose receiver is on
  // another node never needs one.
  std::vector<std::unique_ptr<Inbox>> inboxes_ GUARDED_BY(mutex_);
  // Every callback sent on each channel by a stack here, seq = index + 1;
  // by ChannelId.
  std::vector<std::vector<Early>> sent_ GUARDED_BY(mutex_);
  std::vector<Event> events_ GUARDED_BY(mutex_);
  std::atomic<size_t> recorded_{0};  // events_.size(), read without the lock
  // Back-pressure: set when SendEvents said over (unless Drained came
  // meanwhile: drain_epoch_ counts Drained calls); written under mutex_,
  // read without it for the fast path. held_: the continuations it holds.
  std::atomic<bool> congested_{false};
  uint64_t drain_epoch_ GUARDED_BY(mutex_) = 0;
  std::vector<std::pair<Continuation, std::optional<int64_t>>> held_ GUARDED_BY(mutex_);
  // Gated: callbacks held and not yet reported, (channel, seq).
  std::vector<std::pair<ChannelId, uint64_t>> unreported_ GUARDED_BY(mutex_);
};

}  // namespace cardflow
