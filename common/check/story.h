// Story: a schedule told in the deck's own cards, one line a step, ending in
// what went wrong — the counterexamples `check` prints:
//   B: await A — nothing has arrived, B goes on (line 11)
//   A: read balance -> a = 100 (line 5)
//   ...
//   A's write of 150 was overwritten by B's write of 200: A's update is lost
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/deck/program.h"
#include "common/schedule/step.h"

namespace cardflow {

struct Story {
  std::vector<std::string> steps;    // one line per step of the schedule
  std::vector<std::string> verdict;  // what went wrong: lost updates, missed callbacks, expects
  // For each verdict line, the index of the step that caused it (the
  // schedule's length for a broken expect, which only the end shows).
  std::vector<size_t> verdict_steps;
};

// Tells `schedule` (which must be valid for `program` and `ordering`; see
// CheckSchedule) step by step.
Story TellSchedule(const Program& program, Ordering ordering, const Schedule& schedule);

}  // namespace cardflow
