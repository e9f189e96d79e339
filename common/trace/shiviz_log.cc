#include "common/trace/shiviz_log.h"

#include "common/trace/event_text.h"
#include "common/trace/vector_clock.h"

namespace cardflow {

std::string ShivizLog(const Program& program, const RunResult& run, const ShivizOptions& options) {
  const VectorClocks clocks(program, run.events);
  std::string out;
  if (options.header) {
    out += kShivizRegex;
    out += "\n\n";
  }
  for (size_t i : clocks.order()) {
    const Event& event = run.events[i];
    out += EventCaption(program, event) + "\n";
    out += LaneName(program, LaneOf(program, event)) + " " + ClockJson(program, clocks.clock(i)) +
           "\n";
  }
  return out;
}

}  // namespace cardflow
