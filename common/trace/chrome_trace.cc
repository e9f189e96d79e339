#include "common/trace/chrome_trace.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "common/trace/event_text.h"
#include "common/trace/node_groups.h"
#include "common/trace/vector_clock.h"

namespace cardflow {

namespace {

using nlohmann::json;

json Metadata(const char* name, int pid, size_t tid, json args) {
  return {{"name", name}, {"ph", "M"},  {"ts", 0},
          {"pid", pid},   {"tid", tid}, {"args", std::move(args)}};
}

json ClockObject(const Program& program, const VectorClock& clock) {
  json out = json::object();
  for (size_t lane = 0; lane < clock.size(); ++lane) {
    if (clock[lane] != 0) out[LaneName(program, lane)] = clock[lane];
  }
  return out;
}

// Where a trace event goes: a thread (lane) of a process (node).
struct Track {
  int pid = 0;
  size_t tid = 0;
};

}  // namespace

std::string ChromeTraceJson(const Program& program,
                            const std::vector<std::pair<std::string, std::string>>& placement,
                            const RunResult& run) {
  const std::vector<Event>& events = run.events;
  const VectorClocks clocks(program, events);
  std::vector<json> trace;

  // Processes (nodes) and threads (stacks, then channels): tid = lane + 1.
  const std::vector<NodeGroup> groups = GroupStacksByNode(program, placement);
  std::vector<int> pid_of_stack(program.stacks.size(), 1);
  for (size_t g = 0; g < groups.size(); ++g) {
    const int pid = static_cast<int>(g) + 1;
    const std::string name = groups[g].node == "local" ? "local" : "node " + groups[g].node;
    trace.push_back(Metadata("process_name", pid, 0, {{"name", name}}));
    trace.push_back(Metadata("process_sort_index", pid, 0, {{"sort_index", g}}));
    for (StackId s : groups[g].stacks) {
      pid_of_stack[s] = pid;
      trace.push_back(
          Metadata("thread_name", pid, s + 1, {{"name", "stack " + program.stacks[s].name}}));
      trace.push_back(Metadata("thread_sort_index", pid, s + 1, {{"sort_index", s}}));
    }
  }
  std::vector<bool> channel_used(program.channels.size(), false);
  for (size_t i : clocks.order()) {
    if (events[i].kind == EventKind::kArrive) channel_used[events[i].channel()] = true;
  }
  for (ChannelId c = 0; c < program.channels.size(); ++c) {
    if (!channel_used[c]) continue;
    const size_t lane = program.stacks.size() + c;
    const int pid = pid_of_stack[program.channels[c].to];
    trace.push_back(
        Metadata("thread_name", pid, lane + 1, {{"name", "callbacks " + LaneName(program, lane)}}));
    trace.push_back(Metadata("thread_sort_index", pid, lane + 1, {{"sort_index", lane}}));
  }

  auto track = [&](const Event& e) { return Track{pid_of_stack[e.stack], LaneOf(program, e) + 1}; };
  auto ts = [](const Event& e) { return e.lamport * kTraceMicrosPerTick; };

  // One slice per event.
  uint64_t end = 0;
  std::map<std::pair<ChannelId, uint64_t>, size_t> sends, arrivals;
  for (size_t i : clocks.order()) {
    const Event& e = events[i];
    json args = {{"description", DescribeEvent(program, e)},
                 {"lamport", e.lamport},
                 {"clock", ClockObject(program, clocks.clock(i))}};
    const std::string source = CardSource(program, e);
    if (!source.empty()) args["card"] = source;
    if (e.kind != EventKind::kAwait || e.seq != 0) args["value"] = e.value;
    if (IsCallbackEvent(e.kind)) args["seq"] = e.seq;
    const Track t = track(e);
    trace.push_back({{"name", EventTitle(program, e)},
                     {"cat", EventKindName(e.kind)},
                     {"ph", "X"},
                     {"ts", ts(e)},
                     {"dur", kTraceSliceMicros},
                     {"pid", t.pid},
                     {"tid", t.tid},
                     {"args", std::move(args)}});
    end = std::max<uint64_t>(end, ts(e) + kTraceSliceMicros);
    if (e.kind == EventKind::kSend) sends.emplace(std::pair(e.channel(), e.seq), i);
    if (e.kind == EventKind::kArrive) arrivals.emplace(std::pair(e.channel(), e.seq), i);
  }

  // Flows: send -> arrival, arrival -> consuming await. A flow point sits
  // 1 µs into its slice, so it binds to that slice.
  uint64_t next_id = 1;
  auto flow = [&](size_t from, size_t to) {
    const Event& a = events[from];
    const Event& b = events[to];
    const std::string name = fmt::format(
        "callback {} #{}", LaneName(program, program.stacks.size() + a.channel()), a.seq);
    const Track ta = track(a), tb = track(b);
    const uint64_t id = next_id++;
    trace.push_back({{"name", name},
                     {"cat", "callback"},
                     {"ph", "s"},
                     {"id", id},
                     {"ts", ts(a) + 1},
                     {"pid", ta.pid},
                     {"tid", ta.tid}});
    trace.push_back({{"name", name},
                     {"cat", "callback"},
                     {"ph", "f"},
                     {"bp", "e"},
                     {"id", id},
                     {"ts", ts(b) + 1},
                     {"pid", tb.pid},
                     {"tid", tb.tid}});
  };
  for (size_t i : clocks.order()) {
    const Event& e = events[i];
    const auto key = std::pair(e.channel(), e.seq);
    if (e.kind == EventKind::kArrive) {
      auto send = sends.find(key);
      if (send != sends.end()) flow(send->second, i);
    } else if (e.kind == EventKind::kAwait && e.seq != 0) {
      auto arrival = arrivals.find(key);
      if (arrival != arrivals.end()) flow(arrival->second, i);
    }
  }

  if (run.error) {
    trace.push_back({{"name", "run error"},
                     {"cat", "error"},
                     {"ph", "i"},
                     {"s", "g"},
                     {"ts", end},
                     {"pid", 1},
                     {"tid", 0},
                     {"args", {{"message", run.error->message}}}});
  }

  json outcome = json::object();
  for (size_t k = 0; k < program.outcome.size() && k < run.values.size(); ++k) {
    outcome[program.outcome[k].label] = run.values[k];
  }
  const json other = {
      {"deck", program.file},
      {"seed", run.seed},
      {"time", fmt::format("logical: ts = Lamport time x {} us", kTraceMicrosPerTick)},
      {"outcome", std::move(outcome)},
      {"expect_ok", run.expect_ok},
      {"order_violation", run.order_violation},
      {"error", run.error ? run.error->message : ""},
      {"anomalies", clocks.anomalies()},
  };

  constexpr auto kReplace = json::error_handler_t::replace;
  std::string out = "{\"traceEvents\":[\n";
  for (size_t i = 0; i < trace.size(); ++i) {
    out += trace[i].dump(-1, ' ', false, kReplace);
    out += i + 1 < trace.size() ? ",\n" : "\n";
  }
  out += "],\n\"otherData\":" + other.dump(-1, ' ', false, kReplace) + "}\n";
  return out;
}

}  // namespace cardflow
