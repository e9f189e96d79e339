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

Verdict VerifyRun(const Program& program, const std::vector<Event>& events) {
  Verdict verdict;
  std::vector<ChannelTally> channels(program.channels.size());
  std::vector<int64_t> last_pc(program.stacks.size(), -1);
  for (const Event& event : events) {
    if (event.kind != EventKind::kArrive) {
      if (static_cast<int64_t>(event.pc) <= last_pc[event.stack]) {
        verdict.faults.push_back(
            fmt::format("program order broken: {}", DescribeEvent(program, event)));
      }
      last_pc[event.stack] = event.pc;
    }
    if (event.kind != EventKind::kSend && event.kind != EventKind::kArrive &&
        event.kind != EventKind::kAwait) {
      continue;
    }
    ChannelTally& tally = channels[event.channel];
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
