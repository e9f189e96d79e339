// The stepper's data: a run's schedule replayed step by step. Checked
// against what the run itself reports (its outcome, its events) and against
// hand-made schedules whose every step is known.
#include "common/trace/stepper_data.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/check/story.h"
#include "common/local/local_runner.h"
#include "common/schedule/schedule_text.h"
#include "tests/trace/trace_fixture.h"

namespace cardflow {
namespace {

using Json = nlohmann::json;
using testing::MustLoadExample;

// The compact steps (stepper_data.h) read back as objects, as the page's
// script reads them: "name", "stack", "channel", "from", "pc", "card", "op",
// "var", "value", "seq", "consumed", "failure", "story", "marks", and the
// "table" and every channel's "chan" after the step.
Json Expand(const Program& program, const Json& run) {
  static const char* const kOps[] = {"read",  "write", "notify", "await",
                                     "print", "end",   "arrive", "local"};
  Json table = run["init"]["table"];
  Json chan = Json::array();
  for (size_t c = 0; c < program.channels.size(); ++c) chan.push_back(Json::array({0, 0, 0}));
  Json next = run["init"]["next"];
  Json out = Json::array();
  for (const Json& r : run["steps"]) {
    const auto f = [&r](size_t i) { return i < r.size() ? r[i] : Json(0); };
    const int64_t who = r[0];
    Json s = Json::object();
    s["op"] = kOps[f(1).get<int>()];
    s["value"] = f(2);
    if (f(6) != 0) s["seq"] = f(6);
    if (f(9) == 1) s["consumed"] = true;
    if (f(10) != 0) s["failure"] = f(10);
    if (f(11) != 0) s["marks"] = f(11);
    Json story = f(3);
    if (who < 0) {
      const size_t c = static_cast<size_t>(-1 - who);
      s["stack"] = -1;
      s["channel"] = c;
      s["name"] = FormatStep(program, Step::Arrival(static_cast<ChannelId>(c)));
      s["card"] = "";
    } else {
      const StackProgram& stack = program.stacks[static_cast<size_t>(who)];
      const uint32_t pc = next[who][1];
      s["stack"] = who;
      s["name"] = stack.name;
      s["from"] = next[who][0];
      s["pc"] = pc;
      const std::string text(program.CardText(static_cast<StackId>(who), pc));
      s["card"] = s["op"] == "end" ? "" : text;
      if (story.is_string()) {
        story = stack.name + ": " + text + story.get<std::string>() + " (line " +
                std::to_string(program.Code(static_cast<StackId>(who))[pc].line) + ")";
      }
      s["regs"] = f(7);
      s["next"] = r.size() > 8 ? r[8] : Json(nullptr);
      next[who] = s["next"];
      if (s["op"] == "read" || s["op"] == "write") s["var"] = f(4);
      if (s["op"] == "notify" || s["op"] == "await") s["channel"] = f(4);
      if (s["op"] == "write") table[f(4).get<size_t>()] = s["value"];
    }
    s["story"] = story.is_array() ? story[0] : story;
    if (f(5) != 0) chan[s["channel"].get<size_t>()] = f(5);
    s["table"] = table;
    s["chan"] = chan;
    out.push_back(std::move(s));
  }
  return out;
}

Schedule Parse(const Program& program, const std::string& text) {
  StatusOr<ScheduleText> parsed = ParseSchedule(program, text, "test");
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  return parsed.ok() ? parsed->steps : Schedule{};
}

TEST(StepperDataTest, DeckListsStacksCardsChannels) {
  const Program program = MustLoadExample("transfer.deck");
  const Json deck = Json::parse(StepperDeckJson(program));
  ASSERT_EQ(deck["stacks"].size(), 2u);
  EXPECT_EQ(deck["stacks"][0]["name"], "A");
  EXPECT_EQ(deck["stacks"][0]["node"], "X");
  EXPECT_EQ(deck["stacks"][0]["registers"], Json::array({"a"}));
  // Cards as (text, line) pairs, the text an index into "texts".
  const Json& cards = deck["stacks"][0]["cards"];
  ASSERT_EQ(cards.size(), 8u);
  EXPECT_EQ(deck["texts"][cards[2].get<size_t>()], Json::parse(R"(["add a 50", 0])"));
  EXPECT_EQ(cards[3], 6);  // its line
  EXPECT_EQ(deck["texts"][cards[4].get<size_t>()], Json::parse(R"(["write a -> balance", 1])"));
  EXPECT_EQ(deck["shared"], Json::array({"balance"}));
  ASSERT_EQ(deck["channels"].size(), 1u);
  EXPECT_EQ(deck["channels"][0]["name"], "A>B");
  EXPECT_EQ(deck["terms"], Json::array({"balance", "A.a", "B.b"}));
}

// The naive lost update, step by step: B misses A's callback, reads 100,
// A deposits, B writes 200 over A's 150.
TEST(StepperDataTest, NaiveTransferEveryStepKnown) {
  const Program program = MustLoadExample("transfer.deck", Ordering::kNone);
  const Schedule schedule = Parse(program, "B B A A B A");
  const RunResult run = RunLocalOnce(program, Ordering::kNone, 1, 1, {}, schedule);
  ASSERT_FALSE(run.error);
  const Json data = Json::parse(StepperRunJson(program, Ordering::kNone, run));
  EXPECT_EQ(data["schedule"], "B B A A B A");
  EXPECT_EQ(data["outcome"], "balance=200 A.a=150 B.b=200");
  EXPECT_EQ(data["init"]["table"], Json::array({100}));
  EXPECT_EQ(data["init"]["next"], Json::parse("[[0, 0], [0, 0]]"));
  const Json steps = Expand(program, data);
  ASSERT_EQ(steps.size(), 6u);

  // 1. B: await A, nothing has arrived — marked.
  EXPECT_EQ(steps[0]["name"], "B");
  EXPECT_EQ(steps[0]["op"], "await");
  EXPECT_FALSE(steps[0].contains("consumed"));
  ASSERT_EQ(steps[0]["marks"].size(), 1u);
  EXPECT_NE(steps[0]["marks"][0].get<std::string>().find("missed the callback"), std::string::npos);
  EXPECT_EQ(steps[0]["next"], Json::parse("[1, 1]"));
  // 2. B: read balance -> b = 100.
  EXPECT_EQ(steps[1]["card"], "read balance -> b");
  EXPECT_EQ(steps[1]["value"], 100);
  EXPECT_EQ(steps[1]["var"], 0);
  EXPECT_EQ(steps[1]["regs"], Json::array({100}));
  EXPECT_EQ(steps[1]["next"], Json::parse("[2, 3]"));  // mul b 2 rides with the write
  // 3. A reads 100; 4. A adds 50 and writes 150.
  EXPECT_EQ(steps[2]["value"], 100);
  EXPECT_EQ(steps[3]["from"], 1);
  EXPECT_EQ(steps[3]["pc"], 2);
  EXPECT_EQ(steps[3]["table"], Json::array({150}));
  EXPECT_EQ(steps[3]["regs"], Json::array({150}));
  EXPECT_FALSE(steps[3].contains("marks"));
  // 5. B doubles its stale 100 and writes 200: A's update is lost.
  EXPECT_EQ(steps[4]["table"], Json::array({200}));
  EXPECT_EQ(steps[4]["next"], nullptr);  // B has ended
  bool lost = false;
  for (const Json& mark : steps[4]["marks"]) {
    lost = lost || mark.get<std::string>().find("update is lost") != std::string::npos;
  }
  EXPECT_TRUE(lost) << steps[4]["marks"].dump();
  // 6. A notifies: one callback in flight, never taken.
  EXPECT_EQ(steps[5]["op"], "notify");
  EXPECT_EQ(steps[5]["channel"], 0);
  EXPECT_EQ(steps[5]["chan"], Json::parse("[[0, 0, 1]]"));
  EXPECT_EQ(data["sent"], Json::parse("[[0]]"));
  // The broken expect is marked at the last step.
  bool expect = false;
  for (const Json& mark : steps[5]["marks"]) {
    expect = expect || mark.get<std::string>().find("expect balance == 300 fails") == 0;
  }
  EXPECT_TRUE(expect) << steps[5]["marks"].dump();
  EXPECT_FALSE(data.contains("note"));
}

// With callbacks: the callback in flight, in the inbox, taken.
TEST(StepperDataTest, CallbackInFlightThenInboxThenTaken) {
  const Program program = MustLoadExample("transfer.deck", Ordering::kCallbacks);
  const Schedule schedule = Parse(program, "A A A A>B B B B");
  const RunResult run = RunLocalOnce(program, Ordering::kCallbacks, 1, 1, {}, schedule);
  const Json data = Json::parse(StepperRunJson(program, Ordering::kCallbacks, run));
  const Json steps = Expand(program, data);
  ASSERT_EQ(steps.size(), 7u);
  EXPECT_EQ(steps[2]["chan"], Json::parse("[[0, 0, 1]]"));  // in flight
  EXPECT_EQ(steps[3]["name"], "A>B");
  EXPECT_EQ(steps[3]["op"], "arrive");
  EXPECT_EQ(steps[3]["stack"], -1);
  EXPECT_EQ(steps[3]["seq"], 1);
  EXPECT_EQ(steps[3]["chan"], Json::parse("[[0, 1, 1]]"));  // in B's inbox
  EXPECT_EQ(steps[4]["op"], "await");
  EXPECT_EQ(steps[4]["consumed"], true);
  EXPECT_EQ(steps[4]["chan"], Json::parse("[[1, 1, 1]]"));  // taken
  EXPECT_EQ(steps[6]["table"], Json::array({300}));
  for (const Json& step : steps) EXPECT_FALSE(step.contains("marks")) << step.dump();
  EXPECT_EQ(data["outcome"], "balance=300 A.a=150 B.b=300");
}

// Every seed's run of both transfer modes: the last step's table is the
// run's outcome, and the steps are exactly the run's schedule.
TEST(StepperDataTest, ReplayEndsInTheRunsOutcome) {
  for (Ordering ordering : {Ordering::kNone, Ordering::kCallbacks}) {
    const Program program = MustLoadExample("transfer.deck", ordering);
    for (uint64_t seed = 1; seed <= 40; ++seed) {
      const RunResult run = RunLocalOnce(program, ordering, seed);
      const Json data = Json::parse(StepperRunJson(program, ordering, run));
      const Json steps = Expand(program, data);
      ASSERT_EQ(steps.size(), run.schedule.size()) << seed;
      // Every sentence comes back whole from its compact form.
      const Story story = TellSchedule(program, ordering, run.schedule);
      for (size_t i = 0; i < steps.size(); ++i) EXPECT_EQ(steps[i]["story"], story.steps[i]);
      ASSERT_FALSE(steps.empty());
      for (size_t i = 0; i < steps.size(); ++i) {
        EXPECT_EQ(steps[i]["name"], FormatStep(program, run.schedule[i]));
      }
      EXPECT_EQ(steps.back()["table"][0], run.values[0]) << seed;
      EXPECT_EQ(data["order_violation"], run.order_violation);
      bool missed = false;
      for (const Json& step : steps)
        missed = missed || (step["op"] == "await" && !step.contains("consumed"));
      EXPECT_EQ(missed, run.order_violation) << seed;
    }
  }
}

// A wide deck's long run stays small: 100 stacks of 100 reads and writes,
// 10,000 steps, in under 64 bytes a step (the schedule and capped marks
// included; it was ~200), with the deck's 15,000
// cards in under 10 bytes each.
TEST(StepperDataTest, WideLongRunIsCompact) {
  std::string text = "shared x = 0\n";
  for (int i = 1; i <= 100; ++i) {
    text += "stack S" + std::to_string(i) +
            ":\n    repeat 50:\n        read x -> r\n        add r 1\n        write r -> x\n";
  }
  const Program program = testing::MustLoad(text);
  const RunResult run = RunLocalOnce(program, Ordering::kCallbacks, 1);
  ASSERT_EQ(run.schedule.size(), 10'000u);
  const std::string json = StepperRunJson(program, Ordering::kCallbacks, run);
  EXPECT_LT(json.size(), 10'000u * 64) << json.size() / 10'000 << " bytes a step";
  EXPECT_LT(StepperDeckJson(program).size(), 15'000u * 10);
  const Json steps = Expand(program, Json::parse(json));
  ASSERT_EQ(steps.size(), 10'000u);
  EXPECT_EQ(steps.back()["table"][0], run.values[0]);
}

TEST(StepperDataTest, ScheduleThatCannotBeTakenStopsWithANote) {
  const Program program = MustLoadExample("transfer.deck", Ordering::kNone);
  RunResult run;
  run.schedule = Parse(program, "A A>B");  // nothing in flight yet
  const Json data = Json::parse(StepperRunJson(program, Ordering::kNone, run));
  EXPECT_EQ(data["steps"].size(), 1u);
  EXPECT_NE(data["note"].get<std::string>().find("step 2 'A>B' cannot be taken"),
            std::string::npos);
}

}  // namespace
}  // namespace cardflow
