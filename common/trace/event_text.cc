#include "common/trace/event_text.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace cardflow {

std::string EventTitle(const Program& program, const Event& event) {
  switch (event.kind) {
    case EventKind::kRead:
      return "read " + program.shared[event.var()].name;
    case EventKind::kWrite:
      return "write " + program.shared[event.var()].name;
    case EventKind::kSend:
      return "notify " + program.stacks[EventPeer(program, event)].name;
    case EventKind::kArrive:
      return fmt::format("arrive #{}", event.seq);
    case EventKind::kAwait: {
      const std::string& peer = program.stacks[EventPeer(program, event)].name;
      return event.seq == 0 ? "await " + peer + " (missed)" : "await " + peer;
    }
    case EventKind::kPrint:
      return "print";
  }
  return "?";
}

std::string CardSource(const Program& program, const Event& event) {
  if (event.kind == EventKind::kArrive) return {};
  const std::span<const Instr> code = program.Code(event.stack);
  if (event.pc >= code.size()) return {};
  return fmt::format("line {}: {}", code[event.pc].line, program.CardText(event.stack, event.pc));
}

std::string EventCaption(const Program& program, const Event& event) {
  const std::string source = CardSource(program, event);
  const std::string description = DescribeEvent(program, event);
  return source.empty() ? description : description + " — " + source;
}

std::string ClockJson(const Program& program, const VectorClock& clock) {
  // Built by hand to keep lane order (nlohmann's object sorts its keys);
  // names are deck names, but escape them through nlohmann all the same.
  std::string out = "{";
  for (size_t lane = 0; lane < clock.size(); ++lane) {
    if (clock[lane] == 0) continue;
    if (out.size() > 1) out += ',';
    out += nlohmann::json(LaneName(program, lane)).dump();
    out += ':' + std::to_string(clock[lane]);
  }
  return out + "}";
}

std::string ClockText(const Program& program, const VectorClock& clock, size_t max_entries) {
  std::string out;
  size_t shown = 0;
  size_t more = 0;
  for (size_t lane = 0; lane < clock.size(); ++lane) {
    if (clock[lane] == 0) continue;
    if (shown == max_entries) {
      ++more;
      continue;
    }
    if (shown++ > 0) out += ' ';
    out += LaneName(program, lane) + ':' + std::to_string(clock[lane]);
  }
  if (more > 0) out += fmt::format(" … +{} more", more);
  return out;
}

}  // namespace cardflow
