// ShivizLog: one run as a log for ShiViz (distributedclocks.github.io/shiviz),
// which draws the happens-before graph from vector clocks.
//
// Format — ShiViz's default: each event is two lines,
//     A write balance=150 (card 3) — line 7: write a -> balance
//     A {"A":3,"B":1}
// the event's caption (EventCaption), then its host and vector clock, so
// ShiViz's default parser regular expression
//     (?<event>.*)\n(?<host>\S*) (?<clock>{.*})
// (kShivizRegex) matches each pair. Hosts are the lanes of vector_clock.h:
// one per stack ("A") and one per channel that carried a callback ("A->B",
// holding its arrivals), so a callback reads A -> A->B -> B. Clocks leave
// zero entries out; each host's own entry counts 1, 2, 3, ... as ShiViz
// requires. Events are listed in VectorClocks::order().
//
// With `header` (the default), the file starts with two more lines: the
// regular expression and an empty line (no multiple-executions delimiter),
// which is what ShiViz expects at the top of an *uploaded* file. Pasted into
// ShiViz's text box, those two lines match nothing and are harmless.
#pragma once

#include <string>

#include "common/deck/program.h"
#include "common/report/run_result.h"

namespace cardflow {

inline constexpr char kShivizRegex[] = R"((?<event>.*)\n(?<host>\S*) (?<clock>{.*}))";

struct ShivizOptions {
  bool header = true;  // start with kShivizRegex and an empty delimiter line
};

// The whole log, every line ending in a newline. Events that do not fit
// `program` are left out. Never fails.
std::string ShivizLog(const Program& program, const RunResult& run,
                      const ShivizOptions& options = {});

}  // namespace cardflow
