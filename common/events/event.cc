#include "common/events/event.h"

#include <fmt/format.h>

namespace cardflow {

namespace {

Event Of(EventKind kind, StackId stack, uint32_t pc, int64_t value, uint64_t lamport) {
  Event e;
  e.kind = kind;
  e.stack = stack;
  e.pc = pc;
  e.value = value;
  e.lamport = lamport;
  return e;
}

Event OnChannel(EventKind kind, StackId stack, ChannelId channel, uint32_t pc, uint32_t seq,
                int64_t value, uint64_t lamport) {
  Event e = Of(kind, stack, pc, value, lamport);
  e.set_channel(channel);
  e.seq = seq;
  return e;
}

}  // namespace

Event Event::Read(StackId stack, uint32_t pc, VarId var, int64_t value, uint64_t lamport) {
  Event e = Of(EventKind::kRead, stack, pc, value, lamport);
  e.set_var(var);
  return e;
}

Event Event::Write(StackId stack, uint32_t pc, VarId var, int64_t value, uint64_t lamport) {
  Event e = Of(EventKind::kWrite, stack, pc, value, lamport);
  e.set_var(var);
  return e;
}

Event Event::Send(ChannelId channel, const Channel& ends, uint32_t pc, uint32_t seq, int64_t value,
                  uint64_t lamport) {
  return OnChannel(EventKind::kSend, ends.from, channel, pc, seq, value, lamport);
}

Event Event::Arrive(ChannelId channel, const Channel& ends, uint32_t seq, int64_t value,
                    uint64_t lamport) {
  return OnChannel(EventKind::kArrive, ends.to, channel, 0, seq, value, lamport);
}

Event Event::Await(ChannelId channel, const Channel& ends, uint32_t pc, uint32_t seq, int64_t value,
                   uint64_t lamport) {
  return OnChannel(EventKind::kAwait, ends.to, channel, pc, seq, value, lamport);
}

Event Event::Print(StackId stack, uint32_t pc, int64_t value, uint64_t lamport) {
  return Of(EventKind::kPrint, stack, pc, value, lamport);
}

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
  // A callback event's peer: its channel's other end.
  auto peer = [&]() -> const std::string& {
    return program.stacks[EventPeer(program, event)].name;
  };
  switch (event.kind) {
    case EventKind::kRead:
      return fmt::format("{} read {}={} (card {})", stack, program.shared[event.var()].name,
                         event.value, event.pc + 1);
    case EventKind::kWrite:
      return fmt::format("{} write {}={} (card {})", stack, program.shared[event.var()].name,
                         event.value, event.pc + 1);
    case EventKind::kSend:
      return fmt::format("{} send #{} to {} value {} (card {})", stack, event.seq, peer(),
                         event.value, event.pc + 1);
    case EventKind::kArrive:
      return fmt::format("callback #{} from {} arrives at {}", event.seq, peer(), stack);
    case EventKind::kAwait:
      if (event.seq == 0)
        return fmt::format("{} await {} missed (card {})", stack, peer(), event.pc + 1);
      return fmt::format("{} await {} got #{} value {} (card {})", stack, peer(), event.seq,
                         event.value, event.pc + 1);
    case EventKind::kPrint:
      return fmt::format("{} print {} (card {})", stack, event.value, event.pc + 1);
  }
  return "?";
}

}  // namespace cardflow
