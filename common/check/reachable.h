// Seen vs reachable: how the outcomes of N sampled runs compare with every
// outcome `check` finds, so `run` can say what its runs never showed and
// catch a runtime that produces an outcome no schedule allows.
#pragma once

#include <cstdint>
#include <optional>

#include "common/deck/program.h"
#include "common/report/report.h"

namespace cardflow {

// Explores `program` within `max_states` states; nullopt when that is not
// enough for a complete answer (nothing can then be said).
std::optional<Reachability> CompareWithReachable(const Program& program, Ordering ordering,
                                                 const Report& report, uint64_t max_states);

}  // namespace cardflow
