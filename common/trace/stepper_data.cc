#include "common/trace/stepper_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/check/check_report.h"
#include "common/check/story.h"
#include "common/schedule/schedule_text.h"
#include "common/schedule/step_machine.h"

namespace cardflow {

namespace {

using Json = nlohmann::ordered_json;

// A step of a wide deck can lose many updates at once; the page shows the
// first few of a step, and of a run, and counts the rest.
constexpr size_t kMarksPerStep = 3;
constexpr size_t kMarksPerRun = 200;

// A step's "op", as its index in kStepperOps.
int OpCode(Op op) {
  switch (op) {
    case Op::kRead:
      return 0;
    case Op::kWrite:
      return 1;
    case Op::kNotify:
      return 2;
    case Op::kAwait:
      return 3;
    case Op::kPrint:
      return 4;
    default:
      return 7;
  }
}
constexpr int kOpEnd = 5;
constexpr int kOpArrive = 6;

// The step's sentence without what the page already has: for a stack step
// told as "NAME: CARD... (PLACE)" (the card it dealt and where it came
// from, "line N" or "line N, iteration K": story.h), the part between; any
// other sentence whole, as [sentence].
Json StoryTail(const std::string& story, const std::string& name, const std::string& card,
               const std::string& place) {
  const std::string head = name + ": " + card;
  const std::string tail = " (" + place + ")";
  if (!card.empty() && story.size() >= head.size() + tail.size() &&
      story.compare(0, head.size(), head) == 0 &&
      story.compare(story.size() - tail.size(), tail.size(), tail) == 0) {
    return story.substr(head.size(), story.size() - head.size() - tail.size());
  }
  return Json::array({story});
}

// [start, pc] of the stack's next step, or null once it has ended or failed.
Json NextOf(const StepMachine& machine, StackId stack) {
  if (!machine.Live(stack)) return nullptr;
  const uint32_t k = machine.StepOf(stack);
  return Json::array({machine.plan().StartPc(stack, k), machine.plan().VisiblePc(stack, k)});
}

// Channel c's [consumed, arrived, sent]; `arrived` and `sent` are followed
// from the steps' effects, `consumed` read from the machine.
Json ChannelCounts(const StepMachine& machine, ChannelId c, const std::vector<uint32_t>& arrived,
                   const std::vector<uint32_t>& sent) {
  return Json::array({machine.Consumed(c), arrived[c], sent[c]});
}

// A step row without its trailing zeros (the fields at their defaults).
Json Trimmed(Json row) {
  while (!row.empty() && row.back().is_number_integer() && row.back().get<int64_t>() == 0) {
    row.erase(row.size() - 1);
  }
  return row;
}

}  // namespace

std::string StepperDeckJson(const Program& program) {
  Json deck = Json::object();
  deck["stacks"] = Json::array();
  // Unrolled repeats make the same card many times: each distinct card
  // once in "texts", the stacks' cards as indexes into it.
  Json texts = Json::array();
  std::map<std::pair<std::string, bool>, size_t> text_index;
  for (StackId s = 0; s < program.stacks.size(); ++s) {
    const std::span<const Instr> code = program.Code(s);
    Json cards = Json::array();
    for (uint32_t pc = 0; pc < code.size(); ++pc) {
      const std::string text(program.CardText(s, pc));
      const bool visible = IsVisible(code[pc].op);
      const auto [at, added] = text_index.try_emplace({text, visible}, texts.size());
      if (added) texts.push_back(Json::array({text, visible ? 1 : 0}));
      cards.push_back(at->second);
      cards.push_back(code[pc].line);
    }
    Json registers = Json::array();
    for (std::string_view name : program.RegisterNames(s)) registers.push_back(std::string(name));
    deck["stacks"].push_back(Json{{"name", program.stacks[s].name},
                                  {"node", std::string(program.stacks[s].node_hint)},
                                  {"registers", std::move(registers)},
                                  {"cards", std::move(cards)}});
  }
  deck["texts"] = std::move(texts);
  deck["shared"] = Json::array();
  for (const SharedVar& var : program.shared) deck["shared"].push_back(var.name);
  deck["channels"] = Json::array();
  for (ChannelId c = 0; c < program.channels.size(); ++c) {
    deck["channels"].push_back(Json{{"from", program.channels[c].from},
                                    {"to", program.channels[c].to},
                                    {"name", FormatStep(program, Step::Arrival(c))}});
  }
  deck["terms"] = Json::array();
  for (const TermRef& term : program.outcome) deck["terms"].push_back(term.label);
  return deck.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string StepperRunJson(const Program& program, Ordering ordering, const RunResult& run) {
  const StepPlan plan(program);
  StepMachine machine(program, plan, ordering);
  // The longest prefix of the schedule a run can take; TellSchedule needs
  // a valid schedule.
  Schedule valid;
  std::optional<std::string> note;
  for (size_t i = 0; i < run.schedule.size(); ++i) {
    const Step step = run.schedule[i];
    if (machine.RunOver()) {
      note = "the schedule goes on after the run is over; the rest is not shown";
      break;
    }
    if (std::optional<std::string> why = machine.WhyNot(step)) {
      note = "step " + std::to_string(i + 1) + " '" + FormatStep(program, step) +
             "' cannot be taken: " + *why;
      break;
    }
    machine.Apply(step);
    valid.push_back(step);
  }
  machine.Reset();
  const Story story = TellSchedule(program, ordering, valid);
  const size_t channels = program.channels.size();
  std::vector<uint32_t> arrived(channels, 0), sent(channels, 0);
  std::vector<std::vector<int64_t>> values(channels);

  Json out = Json::object();
  out["seed"] = run.seed;
  out["schedule"] = FormatSchedule(program, run.schedule);
  out["values"] = run.values;
  out["outcome"] = run.error ? "" : OutcomeText(program, run.values);
  out["expect_ok"] = run.expect_ok;
  out["order_violation"] = run.order_violation;
  out["error"] = run.error ? Json(run.error->message) : Json(nullptr);
  Json init = Json::object();
  init["table"] = machine.table();
  init["next"] = Json::array();
  for (StackId s = 0; s < program.stacks.size(); ++s) init["next"].push_back(NextOf(machine, s));
  out["init"] = std::move(init);

  // Each verdict line at the step that caused it; a broken expect (told
  // after the last step) at the last step.
  std::vector<std::vector<size_t>> verdicts_at(valid.size());
  for (size_t v = 0; v < story.verdict.size() && v < story.verdict_steps.size(); ++v) {
    if (valid.empty()) break;
    verdicts_at[std::min(story.verdict_steps[v], valid.size() - 1)].push_back(v);
  }
  Json steps = Json::array();
  size_t total_marks = 0;
  for (size_t i = 0; i < valid.size(); ++i) {
    const Step step = valid[i];
    uint32_t pc = 0;
    if (!step.is_arrival()) pc = plan.VisiblePc(step.id, machine.StepOf(step.id));
    const StepEffect effect = machine.Apply(step);
    int op = kOpArrive;
    int64_t arg = 0;
    Json chan = 0;
    Json story_json = Json::array({i < story.steps.size() ? story.steps[i] : ""});
    if (step.is_arrival()) {
      arrived[step.id] = static_cast<uint32_t>(effect.seq);
      chan = ChannelCounts(machine, step.id, arrived, sent);
    } else {
      const std::span<const Instr> code = program.Code(step.id);
      const bool end = pc >= code.size();
      op = end ? kOpEnd : OpCode(effect.op);
      if (!end && (effect.op == Op::kRead || effect.op == Op::kWrite)) arg = code[pc].var;
      if (!end && (effect.op == Op::kNotify || effect.op == Op::kAwait)) {
        arg = effect.channel;
        if (effect.op == Op::kNotify && !effect.failure) {
          sent[effect.channel] = static_cast<uint32_t>(effect.seq);
          values[effect.channel].push_back(effect.value);
        }
        chan = ChannelCounts(machine, effect.channel, arrived, sent);
      }
      if (!end && i < story.steps.size()) {
        story_json =
            StoryTail(story.steps[i], program.stacks[step.id].name,
                      std::string(program.CardText(step.id, pc)), CardPlace(program, step.id, pc));
      }
    }
    Json marks = Json::array();
    size_t more = 0;
    for (const size_t v : verdicts_at[i]) {
      if (marks.size() < kMarksPerStep && total_marks < kMarksPerRun) {
        marks.push_back(story.verdict[v]);
        ++total_marks;
      } else {
        ++more;
      }
    }
    if (more > 0) marks.push_back(fmt::format("… and {} more", more));
    // kStepRow's order (stepper_data.h); trailing zeros left out.
    Json row = Json::array(
        {step.is_arrival() ? -1 - static_cast<int64_t>(step.id) : static_cast<int64_t>(step.id), op,
         effect.value, std::move(story_json), arg, std::move(chan), effect.seq});
    if (!step.is_arrival()) {
      row.push_back(machine.RegistersOf(step.id));
      row.push_back(NextOf(machine, step.id));
    } else {
      row.push_back(0);
      row.push_back(0);
    }
    row.push_back(effect.consumed ? 1 : 0);
    row.push_back(effect.failure ? Json(effect.failure) : Json(0));
    row.push_back(marks.empty() ? Json(0) : std::move(marks));
    steps.push_back(Trimmed(std::move(row)));
  }
  if (note) out["note"] = *note;
  out["sent"] = values;
  out["steps"] = std::move(steps);
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace cardflow
