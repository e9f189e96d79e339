// Event: one visible step of a run, as the verifier and the reports see it.
// A run's events, in the order the shared table / scheduler sequenced them,
// are its schedule.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/deck/limits.h"
#include "common/deck/program.h"

namespace cardflow {

enum class EventKind : uint8_t {
  kRead,    // stack read `var` and got `value`
  kWrite,   // stack wrote `value` to `var`
  kSend,    // stack sent callback number `seq` (1-based, per channel) to its peer
  kArrive,  // callback `seq` from its peer arrived at stack's inbox
  kAwait,   // stack's await on its peer consumed callback `seq`, or missed it (seq 0)
  kPrint,   // stack printed `value`
};
const char* EventKindName(EventKind kind);

// Which id an event of `kind` carries in its shared word: a table event
// (kRead, kWrite) a var(), a callback event (kSend, kArrive, kAwait) a
// channel(); kPrint neither.
inline bool IsTableEvent(EventKind kind) {
  return kind == EventKind::kRead || kind == EventKind::kWrite;
}
inline bool IsCallbackEvent(EventKind kind) {
  return kind == EventKind::kSend || kind == EventKind::kArrive || kind == EventKind::kAwait;
}

// 32 bytes (issue 17: a run of a 100,000-stack deck holds 400,000 events on
// the coordinator, and a big deck's nodes millions):
//  - `kind` and `pc` share a word: a pc is below kMaxCardsPerStack < 2^24;
//  - `var` and `channel` share one: no kind uses both (var() for kRead and
//    kWrite, channel() for kSend, kArrive and kAwait; kPrint neither);
//  - `seq` is 32 bits: a channel carries at most one callback per notify
//    card, and a deck has fewer than kMaxDeckCards cards;
//  - the peer is not kept: EventPeer() reads it off the channel, as
//    Program::Peer() does for a card.
// On the wire (proto/convert.cc) pc and seq are wider; an event whose pc or
// seq does not fit is refused there.
struct Event {
  static constexpr int kPcBits = 24;
  static constexpr uint32_t kMaxPc = (uint32_t{1} << kPcBits) - 1;
  static constexpr uint64_t kMaxSeq = std::numeric_limits<uint32_t>::max();

  int64_t value = 0;  // value read, written, sent, consumed or printed
  // Lamport time: sorting a run's events by (lamport, stack) gives an order
  // consistent with happens-before, however they were gathered.
  uint64_t lamport = 0;
  EventKind kind : 8 = EventKind::kRead;
  uint32_t pc : kPcBits = 0;  // index of the card in the stack (not for kArrive)
  StackId stack = 0;
  uint32_t seq = 0;  // kSend/kArrive/kAwait: callback number on the channel

  VarId var() const { return var_or_channel_; }          // kRead/kWrite
  ChannelId channel() const { return var_or_channel_; }  // kSend/kArrive/kAwait
  void set_var(VarId var) { var_or_channel_ = var; }
  void set_channel(ChannelId channel) { var_or_channel_ = channel; }

  // One constructor per kind: every placement (the seeded scheduler, a
  // node's effects, the coordinator's table) builds the same event for the
  // same step. `ends` is Program::channels[channel].
  static Event Read(StackId stack, uint32_t pc, VarId var, int64_t value, uint64_t lamport);
  static Event Write(StackId stack, uint32_t pc, VarId var, int64_t value, uint64_t lamport);
  static Event Send(ChannelId channel, const Channel& ends, uint32_t pc, uint32_t seq,
                    int64_t value, uint64_t lamport);
  static Event Arrive(ChannelId channel, const Channel& ends, uint32_t seq, int64_t value,
                      uint64_t lamport);
  // `seq` 0 (and value 0): the await went on without a callback (`none` mode).
  static Event Await(ChannelId channel, const Channel& ends, uint32_t pc, uint32_t seq,
                     int64_t value, uint64_t lamport);
  static Event Print(StackId stack, uint32_t pc, int64_t value, uint64_t lamport);

  bool operator==(const Event&) const = default;

 private:
  // var() or channel(), whichever `kind` names (read the other and you get
  // this one's id).
  uint32_t var_or_channel_ = 0;
};
static_assert(sizeof(Event) == 32, "Event grew: a big run holds millions of them");
static_assert(kMaxCardsPerStack - 1 <= Event::kMaxPc, "a card's pc fits Event::pc");
static_assert(kMaxDeckCards <= Event::kMaxSeq, "a channel's callback number fits Event::seq");

// The other end of callback event `event` (kSend, kArrive or kAwait): the
// receiver of a send, the sender of an arrival or an await. The Event does
// not keep it; its channel says it.
inline StackId EventPeer(const Program& program, const Event& event) {
  const Channel& ends = program.channels[event.channel()];
  return event.kind == EventKind::kSend ? ends.to : ends.from;
}

// "A write balance=150 (card 3)" — for logs and failing tests.
std::string DescribeEvent(const Program& program, const Event& event);

}  // namespace cardflow
