// Conversions between common/ types and their wire messages. Both programs
// convert through these, so an Event or an Ordering means the same on
// either end of a stream; they are the one place where a run's messages
// (common/run/run_messages.h, namespace msg) become wire messages and back.
//
// FromWire of a message that can be malformed (an enum value this version
// does not know) returns INVALID_ARGUMENT naming it; what a message means
// for the run is checked by its receiver.
#pragma once

#include <string_view>

#include "common/deck/program.h"
#include "common/events/event.h"
#include "common/run/run_messages.h"
#include "common/schedule/step.h"
#include "common/status/status.h"
#include "proto/cardflow.pb.h"

namespace cardflow {

void ToWire(const Event& event, wire::Event* out);
// Refuses an unknown kind, and a pc or seq wider than Event keeps.
StatusOr<Event> FromWire(const wire::Event& event);

wire::Ordering ToWire(Ordering ordering);
Ordering FromWire(wire::Ordering ordering);

wire::Shuffle ToWire(Shuffle shuffle);
Shuffle FromWire(wire::Shuffle shuffle);

// Node -> coordinator (RunUpdate).
void ToWire(const msg::TableRequest& request, wire::TableRequest* out);
void ToWire(const msg::Arrival& arrival, wire::Arrival* out);
void ToWire(const msg::RunUpdate& update, wire::RunUpdate* out);
StatusOr<msg::RunUpdate> FromWire(const wire::RunUpdate& update);

// Coordinator -> node (RunControl).
// Moves the strings (an Assign may carry megabytes of program).
void ToWire(msg::Assign&& assign, wire::Assign* out);
void ToWire(const msg::TableReply& reply, wire::TableReply* out);
msg::TableReply FromWire(const wire::TableReply& reply);
void ToWire(const msg::StepGrant& grant, wire::Grant* out);
msg::StepGrant FromWire(const wire::Grant& grant);

// Node -> node (CallbackBatch): a callback of run `run_id`.
void ToWire(uint64_t run_id, const msg::Callback& callback, wire::Callback* out);
msg::Callback FromWire(const wire::Callback& callback);

}  // namespace cardflow
