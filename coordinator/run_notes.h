// What `run --format text` adds below the report for people: the `print`
// lines of one run, and a hint when registers multiply the outcomes.
#pragma once

#include <string>

#include "common/deck/program.h"
#include "common/report/report.h"
#include "common/report/run_result.h"

namespace cardflow {

// True when some card of `program` is a `print`.
bool HasPrints(const Program& program);

// "print lines of the run with seed 17:\n  A: 150\n  B: 300\n" for `run`:
// its log when it has one (local runs), else its print events in
// happens-before order (runs the nodes made). "(none)" when the run printed
// nothing; "" when the deck has no print card.
std::string PrintLines(const Program& program, const RunResult& run);

// When the report has many distinct outcomes (more than 10) that its
// shared-variable terms alone would fold into at most half as many, one
// line naming the `outcome` statement ("hint: 48 distinct outcomes but
// 4 distinct values of balance: ... `outcome balance` ..."); else "".
std::string OutcomeHint(const Report& report);

}  // namespace cardflow
