// WitnessRuns: each outcome's witness run, replayed locally for the HTML
// report's stepper — every outcome of a Report carries the seed and the
// schedule of the run that first produced it (OutcomeCount), and replaying
// that schedule gives the run again, whatever placement it first ran on.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "common/deck/program.h"
#include "common/report/report.h"
#include "common/report/run_result.h"

namespace cardflow {

// One entry per outcome of `report`, in order, at most `limit`: the run
// RunLocalOnce(program, report.ordering, outcome.seed, 1, {}, schedule)
// makes, its events kept. nullopt where the outcome has no schedule or its
// schedule does not parse or cannot be taken (CheckSchedule).
std::vector<std::optional<RunResult>> WitnessRuns(const Program& program, const Report& report,
                                                  size_t limit);

}  // namespace cardflow
