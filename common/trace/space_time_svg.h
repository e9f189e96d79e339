// SpaceTimeSvg: a space-time diagram of one run as inline SVG, for the HTML
// report. Pure markup: no script, no external reference, no xmlns (inline
// SVG in HTML needs none), every text escaped.
//
// Picture: time runs left to right, one column per event in
// VectorClocks::order() (causal order, not wall time). Lanes top to bottom:
// the stacks grouped by node (a band per node, labelled), then one lane per
// shared variable ("the table"). On a stack's lane, a dot per card event —
// read, write, notify, await (a red cross when it missed), print — and a
// diamond per callback arrival (arrivals are steps of the channel; they are
// drawn on the receiver's lane because that is where the callback waits).
// A dashed arrow goes from each notify to its arrival, a solid arc from the
// arrival to the await that consumed it; a thin connector joins each read or
// write to a mark on its variable's lane labelled with the value. Hovering
// any mark shows its caption and vector clock (an SVG <title>).
//
// Markup hooks (tests and styles rely on them): the root is
// <svg class="space-time"> (class "space-time fit" when the run is short
// enough for a page to shrink it to its column); a stack lane is <g class="lane" data-lane="A">,
// a variable lane <g class="table-lane" data-lane="balance">, an event
// <g class="ev KIND">, a callback arrow <path class="callback ...">.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "common/deck/program.h"
#include "common/report/run_result.h"

namespace cardflow {

struct SpaceTimeOptions {
  // Prefix of the ids inside the SVG (arrow markers), distinct per diagram
  // when a page holds several.
  std::string id_prefix = "st";
  // Only the first max_events events (in causal order) are drawn.
  size_t max_events = 300;
};

// `placement` as for GroupStacksByNode(). Events that do not fit `program`
// are left out. Never fails.
std::string SpaceTimeSvg(const Program& program,
                         const std::vector<std::pair<std::string, std::string>>& placement,
                         const RunResult& run, const SpaceTimeOptions& options = {});

}  // namespace cardflow
