// RunTable: the shared variables of one remote run — the one atomic table
// every read and write of every node goes through, which is what makes them
// sequentially consistent (DECK.md). Each operation is recorded as an Event
// and stamped with the table's Lamport time: later than the requesting
// stack's clock and than every earlier operation, so (lamport, stack) order
// respects both program order and the table's order.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "common/deck/program.h"
#include "common/events/event.h"
#include "common/status/status.h"
#include "proto/cardflow.pb.h"

namespace cardflow {

class RunTable {
 public:
  explicit RunTable(const Program& program);

  // Applies one request and returns its reply. INVALID_ARGUMENT when the
  // request does not match the deck (no such stack or card, the card is not
  // that read/write of that variable) or `stack` is not in `allowed` (the
  // stacks of the node that sent it).
  StatusOr<wire::TableReply> Apply(const wire::TableRequest& request,
                                   const std::vector<bool>& allowed);

  std::vector<int64_t> values() const;
  std::vector<Event> TakeEvents();

 private:
  const Program& program_;
  mutable std::mutex mutex_;
  std::vector<int64_t> values_;  // by VarId; guarded by mutex_
  uint64_t clock_ = 0;           // guarded by mutex_
  std::vector<Event> events_;    // guarded by mutex_
};

}  // namespace cardflow
