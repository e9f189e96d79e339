#include "common/verify/verifier.h"

#include <fmt/format.h>

namespace cardflow {

namespace {

struct ChannelTally {
  uint64_t sent = 0;
  uint64_t arrived = 0;
  uint64_t awaited = 0;  // awaits on this channel so far (matched or not)
};

}  // namespace

bool EventFits(const Program& program, const Event& event) {
  // A callback event's peer is its channel's other end (EventPeer): the
  // channel in range, the peer is a stack of the deck.
  if (event.stack >= program.stacks.size()) return false;
  switch (event.kind) {
    case EventKind::kRead:
    case EventKind::kWrite:
      return event.var() < program.shared.size();
    case EventKind::kSend:
    case EventKind::kArrive:
    case EventKind::kAwait:
      return event.channel() < program.channels.size();
    case EventKind::kPrint:
      return true;
  }
  return false;  // no kind this version knows
}

Verdict VerifyRun(const Program& program, const std::vector<Event>& events) {
  Verdict verdict;
  std::vector<ChannelTally> channels(program.channels.size());
  std::vector<int64_t> last_pc(program.stacks.size(), -1);
  std::vector<int64_t> table;
  table.reserve(program.shared.size());
  for (const SharedVar& var : program.shared) table.push_back(var.initial);
  for (const Event& event : events) {
    if (!EventFits(program, event)) {
      verdict.faults.push_back(fmt::format("event names nothing in the deck: {} of stack #{}",
                                           EventKindName(event.kind), event.stack));
      continue;
    }
    if (event.kind == EventKind::kRead && event.value != table[event.var()]) {
      verdict.faults.push_back(fmt::format("read does not see the latest write ({} held {}): {}",
                                           program.shared[event.var()].name, table[event.var()],
                                           DescribeEvent(program, event)));
    }
    if (event.kind == EventKind::kWrite) table[event.var()] = event.value;
    if (event.kind != EventKind::kArrive) {
      if (static_cast<int64_t>(event.pc) <= last_pc[event.stack]) {
        verdict.faults.push_back(
            fmt::format("program order broken: {}", DescribeEvent(program, event)));
      }
      last_pc[event.stack] = event.pc;
    }
    if (!IsCallbackEvent(event.kind)) continue;
    ChannelTally& tally = channels[event.channel()];
    switch (event.kind) {
      case EventKind::kSend:
        if (event.seq != ++tally.sent) {
          verdict.faults.push_back(
              fmt::format("callback numbering broken: {}", DescribeEvent(program, event)));
        }
        break;
      case EventKind::kArrive:
        if (event.seq != ++tally.arrived || event.seq > tally.sent) {
          verdict.faults.push_back(
              fmt::format("callback arrived out of order or before it was sent: {}",
                          DescribeEvent(program, event)));
        }
        break;
      case EventKind::kAwait:
        ++tally.awaited;
        if (event.seq != 0 && event.seq > tally.arrived) {
          verdict.faults.push_back(fmt::format("callback consumed before it arrived: {}",
                                               DescribeEvent(program, event)));
        }
        if (event.seq != tally.awaited) ++verdict.order_violations;
        break;
      default:
        break;
    }
  }
  return verdict;
}

}  // namespace cardflow
