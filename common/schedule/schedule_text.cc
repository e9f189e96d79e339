#include "common/schedule/schedule_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "base/file_text.h"
#include "base/suggest.h"
#include "common/schedule/step_machine.h"

namespace cardflow {

std::string FormatStep(const Program& program, Step step) {
  if (!step.is_arrival()) return program.stacks[step.id].name;
  const Channel& ends = program.channels[step.id];
  return program.stacks[ends.from].name + ">" + program.stacks[ends.to].name;
}

std::string FormatSchedule(const Program& program, const Schedule& schedule) {
  std::string out;
  for (const Step& step : schedule) {
    if (!out.empty()) out += ' ';
    out += FormatStep(program, step);
  }
  return out;
}

namespace {

// The first byte that makes `text` not UTF-8 text (a NUL, or a malformed
// sequence), or npos.
size_t FirstBinaryByte(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0) return i;
    if (c < 0x80) {
      ++i;
      continue;
    }
    const size_t extra = (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : 0;
    if (extra == 0) return i;
    for (size_t k = 1; k <= extra; ++k) {
      if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return i;
    }
    i += extra + 1;
  }
  return std::string_view::npos;
}

// "; did you mean 'B'?" when a stack of `program` is close to `name`.
std::string SuggestStack(const Program& program, std::string_view name) {
  Closest closest(name, UserNameEdits(name));
  for (const auto& stack : program.stacks) closest.Offer(stack.name);
  return closest.DidYouMean();
}

}  // namespace

StatusOr<ScheduleText> ParseSchedule(const Program& program, std::string_view text,
                                     std::string_view file) {
  if (const size_t bad = FirstBinaryByte(text); bad != std::string_view::npos) {
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + bad, '\n'));
    return InvalidArgumentError(
        fmt::format("{}:{}: error: not a schedule: binary data (byte 0x{:02x} at offset {})", file,
                    line, static_cast<unsigned char>(text[bad]), bad));
  }
  std::unordered_map<std::string_view, StackId> stacks;
  for (StackId s = 0; s < program.stacks.size(); ++s) stacks.emplace(program.stacks[s].name, s);
  std::unordered_map<uint64_t, ChannelId> channels;
  for (ChannelId c = 0; c < program.channels.size(); ++c) {
    channels.emplace(uint64_t{program.channels[c].from} << 32 | program.channels[c].to, c);
  }
  ScheduleText out;
  int line = 1;
  size_t i = 0;
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == ','; };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      ++i;
      continue;
    }
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && text[end] != '\n' && text[end] != '#' && !is_space(text[end])) {
      ++end;
    }
    const std::string_view token = text.substr(i, end - i);
    i = end;
    const size_t n = out.steps.size() + 1;
    const auto fail = [&](const std::string& why) {
      return InvalidArgumentError(
          fmt::format("{}:{}: error: step {} '{}': {}", file, line, n, token, why));
    };
    const size_t arrow = token.find('>');
    const std::string_view from = token.substr(0, arrow);
    const auto sender = stacks.find(from);
    if (from.empty() || (arrow != std::string_view::npos && arrow + 1 == token.size())) {
      return fail("a step is a stack name `A` or an arrival `A>B`");
    }
    if (sender == stacks.end()) {
      // `check` prints "schedule: A B ..."; pasted whole, the label comes first.
      if (n == 1 && from == "schedule:") {
        return fail(
            "no stack is named schedule: (copy the steps after `schedule:`, not the label)");
      }
      return fail(fmt::format("no stack is named {}{}", from, SuggestStack(program, from)));
    }
    if (arrow == std::string_view::npos) {
      out.steps.push_back(Step::OfStack(sender->second));
    } else {
      const std::string_view to = token.substr(arrow + 1);
      const auto receiver = stacks.find(to);
      if (receiver == stacks.end()) {
        return fail(fmt::format("no stack is named {}{}", to, SuggestStack(program, to)));
      }
      const auto channel = channels.find(uint64_t{sender->second} << 32 | receiver->second);
      if (channel == channels.end()) {
        return fail(fmt::format("{} never notifies {}, so no callback can travel from {} to {}",
                                from, to, from, to));
      }
      out.steps.push_back(Step::Arrival(channel->second));
    }
    out.lines.push_back(line);
  }
  return out;
}

Status CheckSchedule(const Program& program, Ordering ordering, const ScheduleText& schedule,
                     std::string_view file) {
  const StepPlan plan(program);
  StepMachine machine(program, plan, ordering);
  for (size_t n = 0; n < schedule.steps.size(); ++n) {
    const Step step = schedule.steps[n];
    if (std::optional<std::string> why = machine.WhyNot(step)) {
      // An await that would go on without its callback under ordering none:
      // the schedule may well come from `check --ordering none`.
      const Instr* card = step.is_arrival() ? nullptr : machine.NextCard(step.id);
      const bool await_without = ordering == Ordering::kCallbacks && card != nullptr &&
                                 card->op == Op::kAwait && !machine.Ended(step.id);
      return InvalidArgumentError(fmt::format(
          "{}:{}: error: step {} '{}': {}{}", file, schedule.lines[n], n + 1,
          FormatStep(program, step), *why,
          await_without ? " (this is --ordering callbacks; a schedule from --ordering none "
                          "needs --ordering none)"
                        : ""));
    }
    machine.Apply(step);
  }
  return Status::Ok();
}

StatusOr<ScheduleText> LoadScheduleFile(const Program& program, Ordering ordering,
                                        const std::string& path) {
  FileText file = ReadFileText(path);
  if (!file.text) {
    return InvalidArgumentError(fmt::format("{}: error: cannot read the schedule file{}", path,
                                            file.why.empty() ? "" : ": " + file.why));
  }
  StatusOr<ScheduleText> parsed = ParseSchedule(program, *file.text, path);
  if (!parsed.ok()) return parsed;
  if (Status checked = CheckSchedule(program, ordering, *parsed, path); !checked.ok()) {
    return checked;
  }
  return parsed;
}

}  // namespace cardflow
