// Schedules as text (DECK.md, "Schedules"): steps `A` and `A>B` separated by
// spaces or newlines, `#` comments. Format, parse, and check one against a
// deck before anything runs, with the spec's errors
// (`transfer.schedule:3: error: step 3 'A>B': no callback from A to B is in
// flight`). The same text is what `check` prints and what every outcome of a
// run report carries, so each is valid input here unchanged.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/deck/program.h"
#include "common/schedule/step.h"
#include "common/status/status.h"

namespace cardflow {

// "A" or "A>B".
std::string FormatStep(const Program& program, Step step);
// The steps separated by single spaces ("B B A B A A"); empty for none.
std::string FormatSchedule(const Program& program, const Schedule& schedule);

// A parsed schedule file: its steps and the 1-based line of each.
struct ScheduleText {
  Schedule steps;
  std::vector<int> lines;
};

// Reads the steps of `text`, naming `file` in errors. Errors
// (InvalidArgument, message "FILE:LINE: error: ..."): binary data, a token
// that is not a step, a name that is no stack of `program`, an arrival
// between stacks that have no channel.
StatusOr<ScheduleText> ParseSchedule(const Program& program, std::string_view text,
                                     std::string_view file);

// Replays `schedule` on the step semantics (no engine) and says whether a
// run can take it: every step enabled where it stands, none after the run is
// over. The error names the step's line and position:
// "FILE:LINE: error: step N 'A>B': no callback from A to B is in flight".
Status CheckSchedule(const Program& program, Ordering ordering, const ScheduleText& schedule,
                     std::string_view file);

// ParseSchedule then CheckSchedule, reading `path` (an unreadable file is an
// error naming it).
StatusOr<ScheduleText> LoadScheduleFile(const Program& program, Ordering ordering,
                                        const std::string& path);

}  // namespace cardflow
