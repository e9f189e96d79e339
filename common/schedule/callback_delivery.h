// CallbackDelivery: how the callbacks in flight in a local run reach their
// receivers — the delivery path of local placement, as one small interface.
//
// The Sequencer decides *when* a channel's next arrival happens (an arrival
// is a visible step, picked by the seeded scheduler like a card); the
// delivery decides *which* callback in flight on the channel that arrival
// brings. The real one, FifoDelivery, brings them in the order they were
// sent, as DECK.md promises ("callbacks from one sender to one receiver
// arrive in the order sent"). Tests wrap it with a broken one to check that
// the verifier notices (tests/local/broken_delivery_test.cc) — faults are
// injected by wrapping this interface, never by #ifdef.
//
// Thread-safety: none needed. The Sequencer calls every method under its own
// lock, one run per delivery.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "common/deck/program.h"

namespace cardflow {

// One callback between its send and its arrival.
struct InFlightCallback {
  int64_t value = 0;
  uint64_t seq = 0;  // 1-based number on its channel, in send order
};

class CallbackDelivery {
 public:
  virtual ~CallbackDelivery() = default;

  // `callback` was sent on `channel` (seq counts up from 1 per channel).
  virtual void Sent(ChannelId channel, InFlightCallback callback) = 0;
  // Whether an arrival on `channel` may happen now. The Sequencer asks after
  // every Sent and Arrive on that channel, and only then.
  virtual bool CanArrive(ChannelId channel) const = 0;
  // The callback that arrives now on `channel`, removed from the flight.
  // Only called when CanArrive(channel).
  virtual InFlightCallback Arrive(ChannelId channel) = 0;
};

// The delivery of every real local run: FIFO per channel.
class FifoDelivery final : public CallbackDelivery {
 public:
  explicit FifoDelivery(const Program& program) : in_flight_(program.channels.size()) {}

  void Sent(ChannelId channel, InFlightCallback callback) override {
    in_flight_[channel].push_back(callback);
  }
  bool CanArrive(ChannelId channel) const override { return !in_flight_[channel].empty(); }
  InFlightCallback Arrive(ChannelId channel) override {
    const InFlightCallback next = in_flight_[channel].front();
    in_flight_[channel].pop_front();
    return next;
  }

 private:
  std::vector<std::deque<InFlightCallback>> in_flight_;  // by ChannelId
};

// Makes the delivery of one run of `program`. An empty factory means
// FifoDelivery.
using DeliveryFactory = std::function<std::unique_ptr<CallbackDelivery>(const Program& program)>;

// `factory`'s delivery, or a FifoDelivery when it is empty.
std::unique_ptr<CallbackDelivery> MakeDelivery(const DeliveryFactory& factory,
                                               const Program& program);

}  // namespace cardflow
