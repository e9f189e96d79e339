#include "common/trace/vector_clock.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace cardflow {

namespace {

// Why `event` cannot be placed in `program`, or empty when it can.
std::string Misfit(const Program& program, const Event& event) {
  if (event.kind > EventKind::kPrint) return "unknown event kind";
  if (event.stack >= program.stacks.size()) return "stack out of range";
  if (IsCallbackEvent(event.kind)) {
    if (event.channel() >= program.channels.size()) return "channel out of range";
    // The peer is the channel's other end (EventPeer); the event's own
    // stack must be this end.
    const Channel& ends = program.channels[event.channel()];
    if ((event.kind == EventKind::kSend ? ends.from : ends.to) != event.stack) {
      return "channel does not join the event's stack and peer";
    }
  }
  if (IsTableEvent(event.kind) && event.var() >= program.shared.size()) {
    return "shared variable out of range";
  }
  return {};
}

void Join(VectorClock& into, const VectorClock& other) {
  for (size_t k = 0; k < into.size() && k < other.size(); ++k) {
    into[k] = std::max(into[k], other[k]);
  }
}

}  // namespace

size_t LaneCount(const Program& program) { return program.stacks.size() + program.channels.size(); }

size_t LaneOf(const Program& program, const Event& event) {
  return event.kind == EventKind::kArrive ? program.stacks.size() + event.channel() : event.stack;
}

std::string LaneName(const Program& program, size_t lane) {
  if (lane < program.stacks.size()) return program.stacks[lane].name;
  const Channel& ends = program.channels[lane - program.stacks.size()];
  return program.stacks[ends.from].name + "->" + program.stacks[ends.to].name;
}

bool HappensBefore(const VectorClock& a, const VectorClock& b) {
  bool less = false;
  const size_t n = std::max(a.size(), b.size());
  for (size_t k = 0; k < n; ++k) {
    const uint64_t x = k < a.size() ? a[k] : 0;
    const uint64_t y = k < b.size() ? b[k] : 0;
    if (x > y) return false;
    if (x < y) less = true;
  }
  return less;
}

bool Concurrent(const VectorClock& a, const VectorClock& b) {
  return !HappensBefore(a, b) && !HappensBefore(b, a) && a != b;
}

VectorClocks::VectorClocks(const Program& program, const std::vector<Event>& events)
    : clocks_(events.size()), rank_(events.size(), events.size()) {
  for (size_t i = 0; i < events.size(); ++i) {
    const std::string misfit = Misfit(program, events[i]);
    if (misfit.empty()) {
      order_.push_back(i);
    } else {
      anomalies_.push_back(fmt::format("event {} left out: {}", i, misfit));
    }
  }
  std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
    return std::tie(events[a].lamport, events[a].stack) <
           std::tie(events[b].lamport, events[b].stack);
  });
  for (size_t pos = 0; pos < order_.size(); ++pos) rank_[order_[pos]] = pos;

  // Sends and arrivals by (channel, seq), to find the source of each edge.
  std::map<std::pair<ChannelId, uint64_t>, size_t> sent;
  std::map<std::pair<ChannelId, uint64_t>, size_t> arrived;
  for (size_t i : order_) {
    const Event& e = events[i];
    if (e.kind != EventKind::kSend && e.kind != EventKind::kArrive) continue;
    auto& index = e.kind == EventKind::kSend ? sent : arrived;
    if (!index.emplace(std::pair(e.channel(), e.seq), i).second) {
      anomalies_.push_back(fmt::format("{} #{} on {} recorded twice", EventKindName(e.kind), e.seq,
                                       LaneName(program, program.stacks.size() + e.channel())));
    }
  }
  auto find = [](const auto& index, const Event& e) -> const size_t* {
    auto it = index.find(std::pair(e.channel(), e.seq));
    return it == index.end() ? nullptr : &it->second;
  };

  const size_t lanes = LaneCount(program);
  constexpr size_t kNone = static_cast<size_t>(-1);
  std::vector<size_t> last_on_lane(lanes, kNone);
  std::vector<uint32_t> last_pc(program.stacks.size(), 0);
  std::vector<size_t> last_write(program.shared.size(), kNone);
  std::vector<VectorClock> reads_since_write(program.shared.size(), VectorClock(lanes, 0));

  for (size_t pos = 0; pos < order_.size(); ++pos) {
    const size_t i = order_[pos];
    const Event& e = events[i];
    const size_t lane = LaneOf(program, e);
    VectorClock clock =
        last_on_lane[lane] == kNone ? VectorClock(lanes, 0) : clocks_[last_on_lane[lane]];
    // Joins the clock of an earlier event; an edge from a later one is dropped.
    auto after = [&](const size_t* source, const char* what) {
      if (source != nullptr && rank_[*source] < pos) {
        Join(clock, clocks_[*source]);
        return true;
      }
      anomalies_.push_back(fmt::format("{}: {}", DescribeEvent(program, e), what));
      return false;
    };
    if (e.kind != EventKind::kArrive) {
      if (last_on_lane[lane] != kNone && e.pc <= last_pc[e.stack]) {
        anomalies_.push_back(
            fmt::format("{}: program order broken (pc not increasing)", DescribeEvent(program, e)));
      }
      last_pc[e.stack] = e.pc;
    }
    switch (e.kind) {
      case EventKind::kArrive:
        after(find(sent, e), "arrives before it is sent, or was never sent");
        break;
      case EventKind::kAwait:
        if (e.seq != 0 && !after(find(arrived, e), "consumed before it arrived")) {
          // The send still happened before the await that got its value.
          const size_t* send = find(sent, e);
          if (send != nullptr && rank_[*send] < pos) Join(clock, clocks_[*send]);
        }
        break;
      case EventKind::kRead:
        if (last_write[e.var()] != kNone) Join(clock, clocks_[last_write[e.var()]]);
        break;
      case EventKind::kWrite:
        if (last_write[e.var()] != kNone) Join(clock, clocks_[last_write[e.var()]]);
        Join(clock, reads_since_write[e.var()]);
        std::fill(reads_since_write[e.var()].begin(), reads_since_write[e.var()].end(), 0);
        last_write[e.var()] = i;
        break;
      case EventKind::kSend:
      case EventKind::kPrint:
        break;
    }
    ++clock[lane];
    if (e.kind == EventKind::kRead) Join(reads_since_write[e.var()], clock);
    clocks_[i] = std::move(clock);
    last_on_lane[lane] = i;
  }
  lanes_.resize(events.size(), 0);
  for (size_t i : order_) lanes_[i] = LaneOf(program, events[i]);
}

bool VectorClocks::HappensBefore(size_t a, size_t b) const {
  if (a == b || clocks_[a].empty() || clocks_[b].empty()) return false;
  // a is the clock[a][lane]-th event of its lane; b is after it exactly when
  // b has seen that many events of a's lane.
  const size_t lane = lanes_[a];
  return clocks_[a][lane] <= clocks_[b][lane];
}

}  // namespace cardflow
