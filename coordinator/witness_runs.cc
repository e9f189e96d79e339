#include "coordinator/witness_runs.h"

#include <algorithm>

#include "common/local/local_runner.h"
#include "common/schedule/schedule_text.h"

namespace cardflow {

std::vector<std::optional<RunResult>> WitnessRuns(const Program& program, const Report& report,
                                                  size_t limit) {
  std::vector<std::optional<RunResult>> runs;
  const size_t n = std::min(report.outcomes.size(), limit);
  for (size_t i = 0; i < n; ++i) {
    const OutcomeCount& outcome = report.outcomes[i];
    std::optional<RunResult>& run = runs.emplace_back();
    if (outcome.schedule.empty()) continue;
    StatusOr<ScheduleText> parsed = ParseSchedule(program, outcome.schedule, "witness");
    if (!parsed.ok()) continue;
    if (!CheckSchedule(program, report.ordering, *parsed, "witness").ok()) continue;
    run = RunLocalOnce(program, report.ordering, outcome.seed, 1, {}, parsed->steps);
  }
  return runs;
}

}  // namespace cardflow
