// RemoteEffects: the Effects of the stacks one node runs for one run.
//
//  - read / write go to the coordinator's table (through Transport) and the
//    stack stays suspended until OnTableReply;
//  - notify gives the callback the next number on its channel and either
//    puts it straight into the receiver's inbox (receiver on this node) or
//    hands it to Transport for the peer stream; the sender resumes at once;
//  - await takes the next callback from the channel's inbox. In callbacks
//    mode a stack whose callback has not arrived parks its Continuation in
//    the inbox (no thread held) and Arrive resumes it; in none mode it
//    resumes at once, with the callback or without.
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
    // Sends callback `seq` of `channel` to the node of its receiver. Calls
    // for one channel come in seq order, one at a time.
    virtual void SendCallback(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport) = 0;
    virtual void StackFailed(StackId stack, uint32_t pc, const char* what) = 0;
  };

  // `mine[s]` tells whether stack s runs on this node. `program` and
  // `transport` must outlive this object.
  RemoteEffects(const Program& program, Ordering ordering, std::vector<bool> mine,
                Transport& transport, EventObserver observer);

  void Read(Continuation k, uint32_t pc, VarId var) override;
  void Write(Continuation k, uint32_t pc, VarId var, int64_t value) override;
  void Notify(Continuation k, uint32_t pc, ChannelId channel, int64_t value) override;
  void Await(Continuation k, uint32_t pc, ChannelId channel) override;
  void Print(Continuation k, uint32_t pc, int64_t value) override;
  void Done(StackId stack) override;
  void Failed(StackId stack, uint32_t pc, const char* what) override;

  // The table answered the read/write that `stack` has outstanding at `pc`.
  // INVALID_ARGUMENT when no such request is outstanding.
  Status OnTableReply(StackId stack, uint32_t pc, int64_t value, uint64_t lamport);

  // Callback `seq` of `channel` arrived from another node. INVALID_ARGUMENT
  // when the channel's receiver is not here or `seq` is not the next one.
  Status Arrive(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport);

  // The events recorded so far, handed over (the internal list is emptied).
  std::vector<Event> TakeEvents();

 private:
  struct Message {
    int64_t value = 0;
    uint64_t seq = 0;
    uint64_t lamport = 0;  // of its arrival
  };
  struct Inbox {  // of a channel whose receiver is here
    std::deque<Message> messages;
    uint64_t arrived = 0;
    uint64_t last_lamport = 0;  // of the latest arrival
    std::optional<Continuation> parked;
    uint32_t parked_pc = 0;
  };
  struct StackState {  // of a stack that is here
    uint64_t clock = 0;
    std::optional<Continuation> pending;  // a table request is outstanding
    uint32_t pending_pc = 0;
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
  void ArriveLocked(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport,
                    Wakeup& wakeup);
  int64_t Consume(StackId stack, uint32_t pc, ChannelId channel);

  const Program& program_;
  const Ordering ordering_;
  const std::vector<bool> mine_;
  Transport& transport_;
  const EventObserver observer_;

  std::mutex mutex_;
  std::vector<StackState> stacks_;  // by StackId; guarded by mutex_
  std::vector<Inbox> inboxes_;      // by ChannelId; guarded by mutex_
  std::vector<uint64_t> sent_;      // by ChannelId; guarded by mutex_
  std::vector<Event> events_;       // guarded by mutex_
};

}  // namespace cardflow
