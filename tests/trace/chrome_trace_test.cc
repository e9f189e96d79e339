// The Chrome trace export parsed back and checked against the trace-event
// format: required fields, metadata naming processes and threads, one slice
// per event, flow events paired and bound to slices.
#include "common/trace/chrome_trace.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "common/local/local_runner.h"
#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

using nlohmann::json;
using testing::MustLoadExample;

const std::vector<std::pair<std::string, std::string>> kTwoNodes = {{"A", "X"}, {"B", "Y"}};

json Parse(const std::string& text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(doc.is_discarded()) << text;
  return doc;
}

// Every event has the fields the format requires, with the right types.
void CheckRequiredFields(const json& doc) {
  ASSERT_TRUE(doc.is_object());
  ASSERT_TRUE(doc.contains("traceEvents"));
  ASSERT_TRUE(doc["traceEvents"].is_array());
  const std::set<std::string> phases = {"M", "X", "s", "f", "i"};
  for (const json& e : doc["traceEvents"]) {
    SCOPED_TRACE(e.dump());
    ASSERT_TRUE(e.is_object());
    ASSERT_TRUE(e.contains("name") && e["name"].is_string());
    ASSERT_TRUE(e.contains("ph") && e["ph"].is_string());
    ASSERT_TRUE(e.contains("ts") && e["ts"].is_number());
    ASSERT_TRUE(e.contains("pid") && e["pid"].is_number_integer());
    ASSERT_TRUE(e.contains("tid") && e["tid"].is_number_integer());
    const std::string ph = e["ph"];
    EXPECT_TRUE(phases.count(ph)) << ph;
    if (ph == "X") {
      EXPECT_TRUE(e.contains("dur") && e["dur"].is_number());
      EXPECT_TRUE(e.contains("cat") && e["cat"].is_string());
      EXPECT_TRUE(e.contains("args") && e["args"].is_object());
    }
    if (ph == "M") {
      EXPECT_TRUE(e["args"].contains("name") || e["args"].contains("sort_index"));
    }
    if (ph == "s" || ph == "f") {
      EXPECT_TRUE(e.contains("id"));
      EXPECT_TRUE(e.contains("cat"));
    }
    if (ph == "f") {
      EXPECT_EQ(e.value("bp", ""), "e");
    }
  }
}

std::vector<json> OfPhase(const json& doc, const std::string& ph) {
  std::vector<json> out;
  for (const json& e : doc["traceEvents"]) {
    if (e["ph"] == ph) out.push_back(e);
  }
  return out;
}

// Each flow id has exactly one start and one finish, with the same name and
// category, not going back in time, each inside an "X" slice of its thread.
size_t CheckFlows(const json& doc) {
  std::map<uint64_t, std::vector<json>> by_id;
  for (const char* ph : {"s", "f"}) {
    for (const json& e : OfPhase(doc, ph)) by_id[e["id"].get<uint64_t>()].push_back(e);
  }
  const std::vector<json> slices = OfPhase(doc, "X");
  auto inside_a_slice = [&](const json& point) {
    for (const json& s : slices) {
      if (s["pid"] == point["pid"] && s["tid"] == point["tid"] && s["ts"] <= point["ts"] &&
          point["ts"] <= s["ts"].get<double>() + s["dur"].get<double>()) {
        return true;
      }
    }
    return false;
  };
  for (const auto& [id, pair] : by_id) {
    SCOPED_TRACE("flow " + std::to_string(id));
    EXPECT_EQ(pair.size(), 2u);
    if (pair.size() != 2) continue;
    const json& start = pair[0]["ph"] == "s" ? pair[0] : pair[1];
    const json& finish = pair[0]["ph"] == "s" ? pair[1] : pair[0];
    EXPECT_EQ(start["ph"], "s");
    EXPECT_EQ(finish["ph"], "f");
    EXPECT_EQ(start["name"], finish["name"]);
    EXPECT_EQ(start["cat"], finish["cat"]);
    EXPECT_LE(start["ts"].get<double>(), finish["ts"].get<double>());
    EXPECT_TRUE(inside_a_slice(start));
    EXPECT_TRUE(inside_a_slice(finish));
  }
  return by_id.size();
}

// args.name of the metadata event `name` for (pid, tid).
std::map<std::pair<int, int>, std::string> Names(const json& doc, const std::string& name) {
  std::map<std::pair<int, int>, std::string> out;
  for (const json& e : OfPhase(doc, "M")) {
    if (e["name"] == name) out[{e["pid"].get<int>(), e["tid"].get<int>()}] = e["args"]["name"];
  }
  return out;
}

TEST(ChromeTraceTest, CallbacksRunHasTracksSlicesAndFlows) {
  const Program program = MustLoadExample("transfer.deck");
  const RunResult run = RunLocalOnce(program, Ordering::kCallbacks, 1);
  const json doc = Parse(ChromeTraceJson(program, kTwoNodes, run));
  CheckRequiredFields(doc);

  EXPECT_EQ(OfPhase(doc, "X").size(), run.events.size());
  // send -> arrival, arrival -> await.
  EXPECT_EQ(CheckFlows(doc), 2u);

  const auto processes = Names(doc, "process_name");
  const auto threads = Names(doc, "thread_name");
  std::map<std::string, int> pid_of;
  for (const auto& [key, name] : processes) pid_of[name] = key.first;
  ASSERT_EQ(pid_of.size(), 2u);
  ASSERT_TRUE(pid_of.count("node X") && pid_of.count("node Y"));
  std::map<std::string, std::pair<int, int>> thread_of;
  for (const auto& [key, name] : threads) thread_of[name] = key;
  ASSERT_TRUE(thread_of.count("stack A") && thread_of.count("stack B"));
  EXPECT_EQ(thread_of["stack A"].first, pid_of["node X"]);
  EXPECT_EQ(thread_of["stack B"].first, pid_of["node Y"]);
  ASSERT_TRUE(thread_of.count("callbacks A->B"));
  EXPECT_EQ(thread_of["callbacks A->B"].first, pid_of["node Y"]);  // the receiver's node

  // Every slice sits on a named thread, and its time is its Lamport time scaled.
  for (const json& slice : OfPhase(doc, "X")) {
    EXPECT_TRUE(threads.count({slice["pid"].get<int>(), slice["tid"].get<int>()})) << slice.dump();
    EXPECT_EQ(slice["ts"].get<uint64_t>(),
              slice["args"]["lamport"].get<uint64_t>() * kTraceMicrosPerTick);
    EXPECT_TRUE(slice["args"]["clock"].is_object());
  }
  EXPECT_EQ(doc["otherData"]["seed"], 1);
  EXPECT_EQ(doc["otherData"]["outcome"]["balance"], 300);
}

TEST(ChromeTraceTest, LocalRunIsOneProcessAndMissedCallbacksHaveNoConsumeFlow) {
  const Program program = MustLoadExample("missed_callback.deck", Ordering::kNone);
  // Find a run where B's await missed A's callback.
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    const RunResult run = RunLocalOnce(program, Ordering::kNone, seed);
    if (!run.order_violation) continue;
    const json doc = Parse(ChromeTraceJson(program, {{"A", "local"}, {"B", "local"}}, run));
    CheckRequiredFields(doc);
    EXPECT_EQ(Names(doc, "process_name").size(), 1u);
    EXPECT_EQ(CheckFlows(doc), 1u);  // the callback travels, nobody consumes it
    bool missed = false;
    for (const json& slice : OfPhase(doc, "X")) missed |= slice["name"] == "await A (missed)";
    EXPECT_TRUE(missed);
    return;
  }
  FAIL() << "no seed in 1..100 missed the callback";
}

TEST(ChromeTraceTest, RingHasAFlowPairPerHop) {
  const Program program = MustLoadExample("ring.deck");
  const RunResult run = RunLocalOnce(program, Ordering::kCallbacks, 3);
  const json doc = Parse(ChromeTraceJson(program, {}, run));
  CheckRequiredFields(doc);
  EXPECT_EQ(CheckFlows(doc), 8u);                   // four callbacks, two flows each
  EXPECT_EQ(Names(doc, "thread_name").size(), 8u);  // four stacks, four channels
}

TEST(ChromeTraceTest, RunErrorIsAGlobalInstant) {
  const Program program = testing::MustLoad(R"(
stack A:
    set a 1
    div a 0
    print a
)");
  const RunResult run = RunLocalOnce(program, Ordering::kCallbacks, 1);
  ASSERT_TRUE(run.error.has_value());
  const json doc = Parse(ChromeTraceJson(program, {}, run));
  CheckRequiredFields(doc);
  const auto instants = OfPhase(doc, "i");
  ASSERT_EQ(instants.size(), 1u);
  EXPECT_EQ(instants[0]["s"], "g");
  EXPECT_NE(instants[0]["args"]["message"].get<std::string>().find("division"), std::string::npos);
}

}  // namespace
}  // namespace cardflow
