// Verifier: checks a run's recorded events against the deck's happens-before
// rules, independently of the scheduler that produced them.
//
// Events are taken in their recorded order, which for a run sequenced by one
// table (local placement) is a linearisation of happens-before. The checks:
//  - program order: each stack's visible cards appear in increasing pc order;
//  - channels are FIFO: callback n on a channel is sent, then arrives, in
//    order n = 1, 2, ...; none arrives before it is sent;
//  - matching: the n-th `await S` in T should consume callback n from S.
//    An await that missed it (nothing there, `none` mode) or got another one
//    is an *order violation* — DECK.md's `order_violations` counts runs with
//    at least one. A callback consumed before it arrived is a fault;
//  - the shared table is sequentially consistent: every read returns the
//    value of the latest write to its variable before it in the recorded
//    order (or the variable's initial value).
// Program-order, FIFO, consume-before-arrival and table breaks are not order
// violations of the deck: they are faults of the runtime (or of whoever
// recorded the events) and are listed in `faults`, as is an event that names
// no stack, channel or variable of `program`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/deck/program.h"
#include "common/events/event.h"

namespace cardflow {

struct Verdict {
  uint32_t order_violations = 0;    // awaits that did not get their matching callback
  std::vector<std::string> faults;  // runtime faults, each described
  bool ok() const { return order_violations == 0 && faults.empty(); }
};

Verdict VerifyRun(const Program& program, const std::vector<Event>& events);

// Whether every index `event` carries (stack, and its variable or channel,
// whose other end is its peer: EventPeer) exists in `program`. VerifyRun
// reports an event that does not as a fault; a receiver of events from the
// network (the coordinator) refuses it before anything indexes by it.
bool EventFits(const Program& program, const Event& event);

}  // namespace cardflow
