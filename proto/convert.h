// Conversions between common/ types and their wire messages. Both programs
// convert through these, so an Event or an Ordering means the same on
// either end of a stream.
#pragma once

#include "common/deck/program.h"
#include "common/events/event.h"
#include "common/schedule/step.h"
#include "proto/cardflow.pb.h"

namespace cardflow {

void ToWire(const Event& event, wire::Event* out);
Event FromWire(const wire::Event& event);

wire::Ordering ToWire(Ordering ordering);
Ordering FromWire(wire::Ordering ordering);

wire::Shuffle ToWire(Shuffle shuffle);
Shuffle FromWire(wire::Shuffle shuffle);

}  // namespace cardflow
