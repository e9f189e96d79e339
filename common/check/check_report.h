// The answer of `check` for programs and for people (DECK.md, "`check`").
#pragma once

#include <optional>
#include <string>

#include "common/check/explorer.h"
#include "common/deck/program.h"

namespace cardflow {

// The spec's JSON object: deck, ordering, complete, states, executions,
// outcomes (values, expect, schedule), expect, order_violation, run_error,
// and errors (message, schedule) when some schedule ends in a run error.
// Depends only on its arguments (never on time): byte for byte the same for
// the same deck.
std::string CheckToJson(const Program& program, Ordering ordering, const CheckResult& result);

// herd7's block (States, each final state, Ok/No, Positive/Negative,
// Condition, Observation), the search's counts (against `plain`, the plain
// search's result, when given), then each outcome that breaks an expect or
// whose witness misses a callback, and each run error, told card by card
// with its schedule, and a last line with the verdict.
std::string CheckToText(const Program& program, Ordering ordering, const CheckResult& result,
                        const std::optional<CheckResult>& plain);

// 4 the search is not complete; else 0 when expect is always with no order
// violation and no run error; else 1.
int CheckExitCode(const CheckResult& result);

// "balance=150 A.a=150 B.b=200"
std::string OutcomeText(const Program& program, const std::vector<int64_t>& values);

}  // namespace cardflow
