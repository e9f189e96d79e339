// Event: one visible step of a run, as the verifier and the reports see it.
// A run's events, in the order the shared table / scheduler sequenced them,
// are its schedule.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/deck/program.h"

namespace cardflow {

enum class EventKind : uint8_t {
  kRead,    // stack read `var` and got `value`
  kWrite,   // stack wrote `value` to `var`
  kSend,    // stack sent callback number `seq` (1-based, per channel) to `peer`
  kArrive,  // callback `seq` from `peer` arrived at stack's inbox
  kAwait,   // stack's await on `peer` consumed callback `seq`, or missed it (seq 0)
  kPrint,   // stack printed `value`
};
const char* EventKindName(EventKind kind);

// Fields ordered to pack (48 bytes): a run of a big deck holds millions of
// events, on the coordinator and on the nodes.
struct Event {
  EventKind kind = EventKind::kRead;
  StackId stack = 0;
  StackId peer = 0;       // kSend: receiver; kArrive/kAwait: sender
  VarId var = 0;          // kRead/kWrite
  ChannelId channel = 0;  // kSend/kArrive/kAwait
  uint32_t pc = 0;        // index of the card in the stack (not for kArrive)
  int64_t value = 0;      // value read, written, sent, consumed or printed
  uint64_t seq = 0;       // kSend/kArrive/kAwait: callback number on the channel
  // Lamport time: sorting a run's events by (lamport, stack) gives an order
  // consistent with happens-before, however they were gathered.
  uint64_t lamport = 0;

  // One constructor per kind: every placement (the seeded scheduler, a
  // node's effects, the coordinator's table) builds the same event for the
  // same step. `ends` is Program::channels[channel].
  static Event Read(StackId stack, uint32_t pc, VarId var, int64_t value, uint64_t lamport);
  static Event Write(StackId stack, uint32_t pc, VarId var, int64_t value, uint64_t lamport);
  static Event Send(ChannelId channel, const Channel& ends, uint32_t pc, uint64_t seq,
                    int64_t value, uint64_t lamport);
  static Event Arrive(ChannelId channel, const Channel& ends, uint64_t seq, int64_t value,
                      uint64_t lamport);
  // `seq` 0 (and value 0): the await went on without a callback (`none` mode).
  static Event Await(ChannelId channel, const Channel& ends, uint32_t pc, uint64_t seq,
                     int64_t value, uint64_t lamport);
  static Event Print(StackId stack, uint32_t pc, int64_t value, uint64_t lamport);

  bool operator==(const Event&) const = default;
};
static_assert(sizeof(Event) == 48, "Event grew: reorder its fields to pack");

// "A write balance=150 (card 3)" — for logs and failing tests.
std::string DescribeEvent(const Program& program, const Event& event);

}  // namespace cardflow
