// ChromeTraceJson: one run as a file in the Chrome trace-event format, for
// Perfetto (ui.perfetto.dev, "Open trace file") and chrome://tracing.
//
// Layout of the trace:
//  - a process per node (placement value: a node name, or "local"), named
//    "node X" / "local"; a thread per stack, named "stack A", under the
//    process of the node it ran on; and a thread per channel that carried a
//    callback, named "callbacks A->B", under the receiver's node: arrivals
//    are steps of the channel (see vector_clock.h), not of the receiver;
//  - every event of the run is a complete ("X") slice on its thread, named
//    by EventTitle(), with category its kind ("read", "write", "send",
//    "arrive", "await", "print") and args: description, card source, value,
//    callback seq, lamport, vector clock (ClockJson);
//  - every callback is drawn by flow events ("s" at the send, "f" with
//    bp "e" at its arrival), and a second flow from the arrival to the await
//    that consumed it; each pair has its own id and the same name and cat;
//  - a run error, if any, is a global instant ("i", s "g") at the end.
//
// Time: local runs are logical, so ts is the Lamport time scaled:
// ts = lamport * kTraceMicrosPerTick microseconds, dur = kTraceSliceMicros.
// Slices of one thread never overlap (Lamport times of one lane are
// distinct), and the picture shows causal order, not wall time: a step
// that "takes" 8 µs took whatever it took.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/deck/program.h"
#include "common/report/run_result.h"

namespace cardflow {

inline constexpr int kTraceMicrosPerTick = 10;
inline constexpr int kTraceSliceMicros = 8;

// The whole file: a JSON object {"traceEvents": [...], "otherData": {...}},
// one trace event per line, ending in a newline.
// `placement` maps stack names to a node name or "local" (Report::placement
// has this shape); a stack not named there counts as "local". Events that do
// not fit `program` are left out. Never fails; invalid UTF-8 in names is
// replaced.
std::string ChromeTraceJson(const Program& program,
                            const std::vector<std::pair<std::string, std::string>>& placement,
                            const RunResult& run);

}  // namespace cardflow
