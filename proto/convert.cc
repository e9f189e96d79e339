#include "proto/convert.h"

namespace cardflow {

namespace {

// EventKind and wire::EventKind list the kinds in the same order; the
// static_asserts keep it so.
static_assert(static_cast<int>(EventKind::kRead) == wire::EVENT_READ);
static_assert(static_cast<int>(EventKind::kWrite) == wire::EVENT_WRITE);
static_assert(static_cast<int>(EventKind::kSend) == wire::EVENT_SEND);
static_assert(static_cast<int>(EventKind::kArrive) == wire::EVENT_ARRIVE);
static_assert(static_cast<int>(EventKind::kAwait) == wire::EVENT_AWAIT);
static_assert(static_cast<int>(EventKind::kPrint) == wire::EVENT_PRINT);

}  // namespace

void ToWire(const Event& event, wire::Event* out) {
  out->set_kind(static_cast<wire::EventKind>(event.kind));
  out->set_stack(event.stack);
  out->set_peer(event.peer);
  out->set_var(event.var);
  out->set_value(event.value);
  out->set_seq(event.seq);
  out->set_channel(event.channel);
  out->set_lamport(event.lamport);
  out->set_pc(event.pc);
}

Event FromWire(const wire::Event& event) {
  Event out;
  out.kind = static_cast<EventKind>(event.kind());
  out.stack = event.stack();
  out.peer = event.peer();
  out.var = event.var();
  out.value = event.value();
  out.seq = event.seq();
  out.channel = event.channel();
  out.lamport = event.lamport();
  out.pc = event.pc();
  return out;
}

wire::Ordering ToWire(Ordering ordering) {
  return ordering == Ordering::kNone ? wire::ORDERING_NONE : wire::ORDERING_CALLBACKS;
}

Ordering FromWire(wire::Ordering ordering) {
  return ordering == wire::ORDERING_NONE ? Ordering::kNone : Ordering::kCallbacks;
}

wire::Shuffle ToWire(Shuffle shuffle) {
  return shuffle == Shuffle::kSeeded ? wire::SHUFFLE_SEEDED : wire::SHUFFLE_NETWORK;
}

Shuffle FromWire(wire::Shuffle shuffle) {
  return shuffle == wire::SHUFFLE_SEEDED ? Shuffle::kSeeded : Shuffle::kNetwork;
}

}  // namespace cardflow
