#include "common/events/event.h"

#include <fmt/format.h>

namespace cardflow {

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kRead:
      return "read";
    case EventKind::kWrite:
      return "write";
    case EventKind::kSend:
      return "send";
    case EventKind::kArrive:
      return "arrive";
    case EventKind::kAwait:
      return "await";
    case EventKind::kPrint:
      return "print";
  }
  return "?";
}

std::string DescribeEvent(const Program& program, const Event& event) {
  const std::string& stack = program.stacks[event.stack].name;
  const std::string& peer = program.stacks[event.peer].name;
  switch (event.kind) {
    case EventKind::kRead:
      return fmt::format("{} read {}={} (card {})", stack, program.shared[event.var].name,
                         event.value, event.pc + 1);
    case EventKind::kWrite:
      return fmt::format("{} write {}={} (card {})", stack, program.shared[event.var].name,
                         event.value, event.pc + 1);
    case EventKind::kSend:
      return fmt::format("{} send #{} to {} value {} (card {})", stack, event.seq, peer,
                         event.value, event.pc + 1);
    case EventKind::kArrive:
      return fmt::format("callback #{} from {} arrives at {}", event.seq, peer, stack);
    case EventKind::kAwait:
      if (event.seq == 0)
        return fmt::format("{} await {} missed (card {})", stack, peer, event.pc + 1);
      return fmt::format("{} await {} got #{} value {} (card {})", stack, peer, event.seq,
                         event.value, event.pc + 1);
    case EventKind::kPrint:
      return fmt::format("{} print {} (card {})", stack, event.value, event.pc + 1);
  }
  return "?";
}

}  // namespace cardflow
