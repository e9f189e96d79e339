// RunResult: what one run produced, wherever it ran.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/deck/program.h"
#include "common/events/event.h"
#include "common/schedule/step.h"

namespace cardflow {

// A run stopped by overflow or division by zero (DECK.md, "Cards").
struct RunError {
  StackId stack = 0;
  uint32_t pc = 0;
  std::string message;  // "stack B, card 3 `div b 0` (line 12): division by zero"
};

struct RunResult {
  uint64_t seed = 0;
  std::vector<int64_t> values;  // one per Program::outcome term; empty on error
  bool expect_ok = false;
  bool order_violation = false;  // from the verifier, over `events`
  std::optional<RunError> error;
  Schedule schedule;             // the run's steps in order (DECK.md, "Schedules")
  std::vector<Event> events;     // the visible effects (kept on request)
  std::vector<std::string> log;  // `print` lines: "A: 150"
};

// A run worth drawing first: it stopped on an error, missed a callback or
// broke an expect.
inline bool WentWrong(const RunResult& run) {
  return run.error.has_value() || run.order_violation || !run.expect_ok;
}

}  // namespace cardflow
