// VectorClocks: the happens-before order of one run, made explicit as a
// vector clock per event, derived from the run's events alone (wherever they
// were gathered).
//
// Lanes. A vector clock has one entry per *lane*: one lane per stack (its
// card events: read, write, send, await, print), then one lane per channel
// (the arrivals of its callbacks, in FIFO order). An arrival is a step of the
// channel, not of the receiving stack: a remote run records it with the
// inbox's Lamport time, so its place among the receiver's cards is not known,
// and putting it in the receiver's program order would invent edges (in
// `none` mode it would even put an await that missed the callback after its
// arrival). Events of one lane are totally ordered, as vector clocks need.
//
// Edges (a -> b means a happens before b):
//  - program order: consecutive card events of one stack; consecutive
//    arrivals on one channel (channels are FIFO);
//  - callbacks: send #n on channel c -> arrival #n on c -> the await that
//    consumed #n (an await that missed, seq 0, has no incoming callback edge);
//  - the shared table, per variable: the table applies reads and writes of a
//    variable one at a time, so a read happens after the write it read from,
//    and a write happens after the previous write and after every read of
//    the previous value (reads-from, write order and from-read). Two reads
//    between the same two writes stay concurrent, and accesses to different
//    variables are not ordered by the table: no value flows between them.
// Every edge is one the run really had, so a -> b here implies a happened
// before b in the run (sound); transitive closure of these edges is exactly
// what the clocks encode.
//
// The table order per variable is taken from the events sorted by
// (lamport, stack) — event.h's contract — with the recorded position breaking
// ties; that sort is also the order in which clocks are computed. An edge that
// would point backward in it (a callback arriving before it was sent, one
// consumed before it arrived) means the events break that contract: the edge
// is dropped and described in anomalies(); clocks of every event are still
// given. Events that name a stack, channel or variable outside the program
// are left out of order() and also listed as anomalies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/deck/program.h"
#include "common/events/event.h"

namespace cardflow {

// Indexed by lane: stacks first (lane == StackId), then channels
// (lane == stacks.size() + ChannelId).
using VectorClock = std::vector<uint64_t>;

// stacks.size() + channels.size().
size_t LaneCount(const Program& program);

// The lane `event` belongs to: its stack, or for kArrive its channel.
// `event` must fit `program` (see VectorClocks).
size_t LaneOf(const Program& program, const Event& event);

// "A" for a stack lane, "A->B" for a channel lane (no spaces: ShiViz hosts
// are \S*).
std::string LaneName(const Program& program, size_t lane);

// True when a happened before b: a <= b entrywise and a != b. Clocks of
// different lengths are compared as if padded with zeros.
bool HappensBefore(const VectorClock& a, const VectorClock& b);

// Neither happened before the other, and they are not the same clock.
bool Concurrent(const VectorClock& a, const VectorClock& b);

// The clocks of one run's events. Plain data: copy it freely.
class VectorClocks {
 public:
  // `events` in any order; the result refers to them by their index.
  VectorClocks(const Program& program, const std::vector<Event>& events);

  // The clock of events[i]; empty for an event that does not fit the program.
  const VectorClock& clock(size_t i) const { return clocks_[i]; }

  // Whether events[a] happened before events[b]. False when either does not
  // fit the program.
  bool HappensBefore(size_t a, size_t b) const;

  // Indices of the events that fit the program, sorted by (lamport, stack,
  // recorded position): a linearisation of happens-before for events that
  // keep event.h's contract. Exports list events in this order.
  const std::vector<size_t>& order() const { return order_; }

  // Position of events[i] in order(); events.size() for an event left out.
  size_t rank(size_t i) const { return rank_[i]; }

  // What broke the contract, one line each (empty for a run that kept it).
  const std::vector<std::string>& anomalies() const { return anomalies_; }

 private:
  std::vector<VectorClock> clocks_;
  std::vector<size_t> order_;
  std::vector<size_t> rank_;
  std::vector<size_t> lanes_;  // LaneOf each event; 0 for one left out
  std::vector<std::string> anomalies_;
};

}  // namespace cardflow
