// Text forms of a run's events and clocks shared by every export (Chrome
// trace, ShiViz log, HTML report), so the three say the same thing in the
// same words. Every `event` must fit `program` (VectorClocks lists those
// that do in order()).
#pragma once

#include <string>

#include "common/deck/program.h"
#include "common/events/event.h"
#include "common/trace/vector_clock.h"

namespace cardflow {

// A few words naming the step: "read balance", "write balance", "notify B",
// "await A", "await A (missed)", "arrive #1", "print".
std::string EventTitle(const Program& program, const Event& event);

// DescribeEvent() plus the card's source for card events:
// "A write balance=150 (card 3) — line 7: write a -> balance". One line.
std::string EventCaption(const Program& program, const Event& event);

// The card's source, "line 7: write a -> balance"; empty for an arrival.
std::string CardSource(const Program& program, const Event& event);

// The clock as a compact JSON object keyed by LaneName, zero entries left
// out (ShiViz rejects entries naming an event that does not exist):
// {"A":3,"A->B":1,"B":2}. Keys in lane order.
std::string ClockJson(const Program& program, const VectorClock& clock);

// The clock for people, in lane order, zero entries left out, at most
// `max_entries` of them and then how many more: "A:3 A->B:1 B:2",
// "S1:4 S7:2 … +93 more". The space-time diagram's tooltips; a wide deck's
// clocks have a hundred entries.
std::string ClockText(const Program& program, const VectorClock& clock, size_t max_entries);

}  // namespace cardflow
