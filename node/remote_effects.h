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
//    proposes what it found (Transport::SendAwaitDecision) and follows the
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

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
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
  // Where the effects that leave the node go.
  class Transport {
   public:
    virtual ~Transport() = default;
    // Asks the table for a read (`write` false) or a write of `value`; the
    // answer must come back through OnTableReply.
    virtual void SendTableRequest(StackId stack, uint32_t pc, bool write, VarId var, int64_t value,
                                  uint64_t lamport) = 0;
    // Sends callback `seq` of `channel` to the node of its receiver.
    virtual void SendCallback(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport) = 0;
    // Ordering none: asks whether the await at `pc` takes the callback at the
    // head of `channel`'s inbox (`took`: there was one) or goes on without;
    // the answer must come back through OnTableReply (value 1 or 0).
    virtual void SendAwaitDecision(StackId stack, uint32_t pc, ChannelId channel, bool took,
                                   uint64_t lamport) = 0;
    virtual void StackFailed(StackId stack, uint32_t pc, const char* what) = 0;
  };

  // `mine[s]` tells whether stack s runs on this node at first. `program`
  // and `transport` must outlive this object.
  RemoteEffects(const Program& program, Ordering ordering, std::vector<bool> mine,
                Transport& transport, EventObserver observer);

  void Read(Continuation k, uint32_t pc, VarId var) override;
  void Write(Continuation k, uint32_t pc, VarId var, int64_t value) override;
  void Notify(Continuation k, uint32_t pc, ChannelId channel, int64_t value) override;
  void Await(Continuation k, uint32_t pc, ChannelId channel) override;
  void Print(Continuation k, uint32_t pc, int64_t value) override;
  void Done(StackId stack) override;
  void Failed(StackId stack, uint32_t pc, const char* what) override;

  // The table answered the read/write (or await decision) that `stack` has
  // outstanding at `pc`. INVALID_ARGUMENT when no such request is outstanding.
  Status OnTableReply(StackId stack, uint32_t pc, int64_t value, uint64_t lamport);

  // Callback `seq` of `channel` arrived from another node. A `seq` already
  // taken is dropped; one that comes early waits for those before it. The
  // receiver need not be here yet (a Reroute giving it to this node may come
  // after its callbacks). INVALID_ARGUMENT for an unknown channel or seq 0.
  Status Arrive(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport);

  // Recovery: `stacks` (not here so far) now run here, from their first
  // card. The callbacks this node's stacks sent them go into their inboxes.
  void Adopt(const std::vector<StackId>& stacks);

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
    std::map<uint64_t, Early> early;  // by seq, all > arrived + 1
    uint64_t arrived = 0;
    uint64_t last_lamport = 0;  // of the latest arrival
    std::optional<Continuation> parked;
    uint32_t parked_pc = 0;
  };
  struct StackState {  // of a stack that is here
    uint64_t clock = 0;
    std::optional<Continuation> pending;  // a table request is outstanding
    uint32_t pending_pc = 0;
    bool pending_await = false;  // it is an await decision, on pending_channel
    ChannelId pending_channel = 0;
  };
  // What to resume once the lock is released.
  struct Wakeup {
    std::optional<Continuation> k;
    std::optional<int64_t> value;
    void Run() {
      if (k) k->Resume(value);
    }
  };

  void AskTable(Continuation k, uint32_t pc, bool write, VarId var, int64_t value);
  // The following run with mutex_ held.
  void Record(Event event);
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

  const Program& program_;
  const Ordering ordering_;
  Transport& transport_;
  const EventObserver observer_;

  mutable std::mutex mutex_;
  std::vector<bool> mine_;          // by StackId; guarded by mutex_
  std::vector<StackState> stacks_;  // by StackId; guarded by mutex_
  std::vector<Inbox> inboxes_;      // by ChannelId; guarded by mutex_
  // Every callback sent on each channel by a stack here, seq = index + 1;
  // by ChannelId; guarded by mutex_.
  std::vector<std::vector<Early>> sent_;
  std::vector<Event> events_;  // guarded by mutex_
};

}  // namespace cardflow
