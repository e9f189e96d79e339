#include "common/trace/stepper_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
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

const char* OpName(Op op) {
  switch (op) {
    case Op::kRead:
      return "read";
    case Op::kWrite:
      return "write";
    case Op::kNotify:
      return "notify";
    case Op::kAwait:
      return "await";
    case Op::kPrint:
      return "print";
    default:
      return "local";
  }
}

// [start, pc] of the stack's next step, or null once it has ended or failed.
Json NextOf(const StepMachine& machine, StackId stack) {
  if (!machine.Live(stack)) return nullptr;
  const uint32_t k = machine.StepOf(stack);
  return Json::array({machine.plan().StartPc(stack, k), machine.plan().VisiblePc(stack, k)});
}

// Per channel [consumed, arrived, sent]; `arrived` and `sent` are followed
// from the steps' effects, `consumed` read from the machine.
Json Channels(const StepMachine& machine, const std::vector<uint32_t>& arrived,
              const std::vector<uint32_t>& sent) {
  Json out = Json::array();
  for (ChannelId c = 0; c < sent.size(); ++c) {
    out.push_back(Json::array({machine.Consumed(c), arrived[c], sent[c]}));
  }
  return out;
}

}  // namespace

std::string StepperDeckJson(const Program& program) {
  Json deck = Json::object();
  deck["stacks"] = Json::array();
  for (const StackProgram& stack : program.stacks) {
    Json cards = Json::array();
    for (size_t pc = 0; pc < stack.code.size(); ++pc) {
      cards.push_back(Json{{"text", pc < stack.card_text.size() ? stack.card_text[pc] : ""},
                           {"line", stack.code[pc].line},
                           {"visible", IsVisible(stack.code[pc].op)}});
    }
    deck["stacks"].push_back(Json{{"name", stack.name},
                                  {"node", stack.node_hint},
                                  {"registers", stack.registers},
                                  {"cards", std::move(cards)}});
  }
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
    Json row = Json::object();
    row["name"] = FormatStep(program, step);
    row["stack"] = step.is_arrival() ? -1 : static_cast<int64_t>(step.id);
    uint32_t from = 0, pc = 0;
    if (!step.is_arrival()) {
      const uint32_t k = machine.StepOf(step.id);
      from = plan.StartPc(step.id, k);
      pc = plan.VisiblePc(step.id, k);
    }
    const StepEffect effect = machine.Apply(step);
    row["from"] = from;
    row["pc"] = pc;
    if (step.is_arrival()) {
      row["channel"] = step.id;
      row["card"] = "";
      row["op"] = "arrive";
      arrived[step.id] = static_cast<uint32_t>(effect.seq);
    } else {
      const StackProgram& stack = program.stacks[step.id];
      const bool end = pc >= stack.code.size();
      row["card"] = end ? "" : stack.card_text[pc];
      row["op"] = end ? "end" : OpName(effect.op);
      if (!end && (effect.op == Op::kRead || effect.op == Op::kWrite)) {
        row["var"] = stack.code[pc].var;
      }
      if (!end && (effect.op == Op::kNotify || effect.op == Op::kAwait)) {
        row["channel"] = effect.channel;
      }
      if (!end && effect.op == Op::kNotify && !effect.failure) {
        sent[effect.channel] = static_cast<uint32_t>(effect.seq);
        values[effect.channel].push_back(effect.value);
      }
    }
    row["value"] = effect.value;
    // Left out at their defaults (0, false, none): long runs stay small.
    if (effect.seq != 0) row["seq"] = effect.seq;
    if (effect.consumed) row["consumed"] = true;
    if (effect.failure) row["failure"] = effect.failure;
    row["story"] = i < story.steps.size() ? story.steps[i] : "";
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
    if (!marks.empty()) row["marks"] = std::move(marks);
    row["table"] = machine.table();
    row["chan"] = Channels(machine, arrived, sent);
    if (!step.is_arrival()) {
      row["regs"] = machine.RegistersOf(step.id);
      row["next"] = NextOf(machine, step.id);
    }
    steps.push_back(std::move(row));
  }
  if (note) out["note"] = *note;
  out["sent"] = values;
  out["steps"] = std::move(steps);
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace cardflow
