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
// Thread-safety: every method may be called from any thread. Continuations
// and Transport are called outside the internal lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "common/deck/program.h"
#include "common/engine/effects.h"
#include "common/events/event.h"
#include "common/status/status.h"

namespace cardflow {

// Sees every event as it is recorded (under a lock: keep it cheap).
using EventObserver = std::function<void(const Event&)>;

class RemoteEffects final : public Effects {
 public:
  // What a request to the coordinator asks for.
  enum class Ask : uint8_t {
    kRead,   // a read of `var`
    kWrite,  // a write of `value` to `var`
    // Whether the await at `pc` takes the callback at the head of the inbox
    // of channel `var` (`value` 1: there was one) or goes on without: asked
    // in ordering none, and in both orderings when gated.
    kAwait,
    kNotify,  // gated: a notify of `value` on channel `var`
    kPrint,   // gated: a print of `value`
    kEnd,     // gated: the stack ran its last card (`pc` is its card count)
  };

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
  };

  // `mine[s]` tells whether stack s runs on this node at first. `program`
  // and `transport` must outlive this object.
  RemoteEffects(const Program& program, Ordering ordering, std::vector<bool> mine,
                Transport& transport, EventObserver observer, bool gated = false);

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
  // itself does not, so that its caller may hold a lock the transport takes).
  void Adopt(const std::vector<StackId>& stacks);
  // Gated: reports what was held and not yet reported. Call without locks
  // the transport takes.
  void FlushArrivals();
  // Recovery: the node's program grew (NodeProgram::Extended keeps the ids
  // of the old one and appends): tables grow to `program`, which must
  // outlive this object as the first one must. The old program stays in
  // use by the engines made on it.
  void Extend(const Program& program);

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
  struct Inbox {  // of a channel whose receiver is (or may become) here
    MessageQueue messages;
    MessageQueue held;  // gated: arrived in order, not yet taken in (lamport: of the send)
    std::map<uint64_t, Early> early;  // by seq, all > arrived + 1
    uint64_t arrived = 0;
    uint64_t last_lamport = 0;  // of the latest arrival
    std::optional<Continuation> parked;
    uint32_t parked_pc = 0;
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
    void Run() {
      if (k) k->Resume(value);
    }
  };

  // Parks `k` and asks the coordinator.
  void AskCoordinator(Continuation k, uint32_t pc, Ask ask, uint32_t var, int64_t value);
  // What a notify does once it may: numbers the callback, records it, puts
  // it into a receiver here or hands it to the transport, resumes `k`.
  void DoNotify(Continuation k, uint32_t pc, ChannelId channel, int64_t value);
  // The following run with mutex_ held.
  void Record(Event event);
  void PrintLocked(StackId stack, uint32_t pc, int64_t value);
  // Puts callback `seq` into the inbox (and to a parked await).
  void InboxLocked(ChannelId channel, uint64_t seq, int64_t value, uint64_t send_lamport,
                   Wakeup& wakeup);
  // Takes callback `seq` into its inbox if it is the next one (then any
  // early ones that follow), keeps it aside if early, drops it if taken.
  void DeliverLocked(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport,
                     Wakeup& wakeup);
  void ArriveLocked(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport,
                    Wakeup& wakeup);
  int64_t Consume(StackId stack, uint32_t pc, ChannelId channel);
  // Carries out the await decision for `k` at `pc`: take the head of
  // `channel`'s inbox (parking until it arrives) or go on without.
  void Decide(Continuation k, uint32_t pc, ChannelId channel, bool take, Wakeup& wakeup);

  const Program& program() const { return *program_.load(std::memory_order_acquire); }

  std::atomic<const Program*> program_;  // the last given; each extends the one before
  const Ordering ordering_;
  const bool gated_;
  Transport& transport_;
  const EventObserver observer_;

  mutable std::mutex mutex_;
  std::vector<bool> mine_;          // by StackId; guarded by mutex_
  // By StackId, up to the last stack here; guarded by mutex_.
  std::vector<StackState> stacks_;
  std::vector<Inbox> inboxes_;      // by ChannelId; guarded by mutex_
  // Every callback sent on each channel by a stack here, seq = index + 1;
  // by ChannelId; guarded by mutex_.
  std::vector<std::vector<Early>> sent_;
  std::vector<Event> events_;  // guarded by mutex_
  // Gated: callbacks held and not yet reported, (channel, seq); guarded by mutex_.
  std::vector<std::pair<ChannelId, uint64_t>> unreported_;
};

}  // namespace cardflow
