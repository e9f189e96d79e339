// RunTable: the shared variables of one remote run — the one atomic table
// every read and write of every node goes through, which is what makes them
// sequentially consistent (DECK.md). Each operation is recorded as an Event
// and stamped with the table's Lamport time: later than the requesting
// stack's clock and than every earlier operation, so (lamport, stack) order
// respects both program order and the table's order.
//
// It is also each stack's history of table operations: a stack started over
// on another node after its node died asks again for what it had asked, and
// gets the reply it got the first time — the operation is not applied twice
// — so the replayed cards see what they saw (as workflow engines replay an
// activity's recorded result).
//
// The events the operations record are appended to a vector the caller
// owns (a run keeps one vector for all its events: the table's are not held
// twice at its end).
//
// Thread-safety: all methods may be called from any thread; the caller
// serializes its own use of the `events` vector it passes to Apply.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/base/mutex.h"
#include "common/deck/program.h"
#include "common/events/event.h"
#include "common/run/run_messages.h"
#include "common/status/status.h"

namespace cardflow {

class RunTable {
 public:
  explicit RunTable(const Program& program);

  // Applies one request and returns its reply, appending the operation's
  // event to `events`; a request the stack made before (same card) gets the
  // recorded reply and changes nothing (no event).
  // INVALID_ARGUMENT when the request does not match the deck (no such stack
  // or card, the card is not that read/write of that variable, a step op of
  // the seeded shuffle), `stack` is
  // not in `allowed` (the stacks of the node that sent it), or a replayed
  // write writes another value than the first time (the replay diverged).
  StatusOr<msg::TableReply> Apply(const msg::TableRequest& request,
                                  const std::vector<bool>& allowed, std::vector<Event>& events)
      EXCLUDES(mutex_);

  // (TABLE_AWAIT requests, ordering none, are decisions, not operations:
  // the first proposal for a card is recorded and every later request for
  // it gets that; no event, no clock.)

  std::vector<int64_t> values() const EXCLUDES(mutex_);

 private:
  StatusOr<msg::TableReply> Decide(const msg::TableRequest& request,
                                   const std::vector<bool>& allowed) EXCLUDES(mutex_);

  const Program& program_;
  mutable Mutex mutex_;
  std::vector<int64_t> values_ GUARDED_BY(mutex_);  // by VarId
  uint64_t clock_ GUARDED_BY(mutex_) = 0;
  // What the reply to (stack, pc) was: 24 bytes, not a whole TableReply (the
  // key holds stack and pc).
  struct Applied {
    int64_t request_value = 0;  // what a write asked to write
    int64_t value = 0;          // TableReply::value
    uint64_t lamport = 0;       // TableReply::lamport
  };
  // By (stack << 32 | pc). An open-addressing table (Abseil's Swiss table):
  // a 100,000-read run's history is one 4 MB array, not 100,000 hash nodes
  // allocated one by one among the run's transient messages.
  absl::flat_hash_map<uint64_t, Applied> history_ GUARDED_BY(mutex_);
};

}  // namespace cardflow
