#include "common/check/check_report.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/check/story.h"
#include "common/report/json_layout.h"
#include "common/report/plural.h"
#include "common/schedule/schedule_text.h"

namespace cardflow {

namespace {

using Json = nlohmann::ordered_json;

std::string Duration(double seconds) {
  if (seconds < 1e-3) return fmt::format("{:.0f} µs", seconds * 1e6);
  return seconds < 1 ? fmt::format("{:.1f} ms", seconds * 1e3) : fmt::format("{:.2f} s", seconds);
}

// The lines of a story and its schedule, indented under a heading.
void AppendStory(const Program& program, Ordering ordering, const Schedule& schedule,
                 std::string& out) {
  const Story story = TellSchedule(program, ordering, schedule);
  for (size_t i = 0; i < story.steps.size(); ++i) {
    out += fmt::format("  {:>3}. {}\n", i + 1, story.steps[i]);
  }
  for (const std::string& line : story.verdict) out += "  => " + line + "\n";
  out += "  schedule: " + FormatSchedule(program, schedule) + "\n";
}

}  // namespace

std::string OutcomeText(const Program& program, const std::vector<int64_t>& values) {
  std::string out;
  for (size_t i = 0; i < program.outcome.size() && i < values.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += fmt::format("{}={}", program.outcome[i].label, values[i]);
  }
  return out;
}

std::string CheckToJson(const Program& program, Ordering ordering, const CheckResult& result) {
  Json json = Json::object();
  json["deck"] = program.file;
  json["ordering"] = OrderingName(ordering);
  json["complete"] = result.complete;
  json["states"] = result.states;
  json["executions"] = result.executions;
  Json outcomes = Json::array();
  for (const CheckOutcome& outcome : result.outcomes) {
    Json values = Json::object();
    for (size_t i = 0; i < program.outcome.size() && i < outcome.values.size(); ++i) {
      values[program.outcome[i].label] = outcome.values[i];
    }
    Json entry = Json::object();
    entry["values"] = std::move(values);
    entry["expect"] = outcome.expect;
    entry["schedule"] = FormatSchedule(program, outcome.schedule);
    outcomes.push_back(std::move(entry));
  }
  json["outcomes"] = std::move(outcomes);
  json["expect"] = ExpectVerdictName(result.expect);
  json["order_violation"] = result.order_violation;
  json["run_error"] = !result.errors.empty();
  if (!result.errors.empty()) {
    Json errors = Json::array();
    for (const CheckError& error : result.errors) {
      Json entry = Json::object();
      entry["error"] = error.message;
      entry["schedule"] = FormatSchedule(program, error.schedule);
      errors.push_back(std::move(entry));
    }
    json["errors"] = std::move(errors);
  }
  return LayoutJson(json);
}

std::string CheckToText(const Program& program, Ordering ordering, const CheckResult& result,
                        const std::optional<CheckResult>& plain) {
  std::string out;
  const size_t positive = std::count_if(result.outcomes.begin(), result.outcomes.end(),
                                        [](const CheckOutcome& o) { return o.expect; });
  const size_t negative = result.outcomes.size() - positive;
  out += fmt::format("Test {} (ordering {}){}\n", program.file, OrderingName(ordering),
                     result.complete ? "" : " -- PARTIAL: the search stopped at --max-states");
  out += fmt::format("States {}\n", result.outcomes.size());
  if (result.outcomes.empty() && result.complete) {
    out += "(no schedule reaches an outcome: every one stops on a run error)\n";
  }
  for (const CheckOutcome& outcome : result.outcomes) {
    std::string line;
    for (size_t i = 0; i < program.outcome.size() && i < outcome.values.size(); ++i) {
      line += fmt::format("{}={}; ", program.outcome[i].label, outcome.values[i]);
    }
    out += fmt::format("{} {}\n", line, outcome.expect ? "✓" : "✗");
  }
  out += negative == 0 && result.errors.empty() ? "Ok\n" : "No\n";
  out += "Witnesses\n";
  out += fmt::format("Positive: {} Negative: {}\n", positive, negative);
  std::string condition;
  for (const Expectation& expect : program.expects) {
    condition += (condition.empty() ? "" : " /\\ ") + expect.text;
  }
  out += fmt::format("Condition {}\n", condition.empty() ? "(no expect)" : condition);
  std::string verdict = ExpectVerdictName(result.expect);
  verdict[0] = static_cast<char>(verdict[0] - 'a' + 'A');
  out += fmt::format("Observation {} {} {} {}\n", program.file, verdict, positive, negative);
  // Schedules are counted over the states (as paths), not run one by one:
  // "covering" them, not "explored".
  out += fmt::format("Explored {} states{} in {}, covering {}", result.states,
                     result.complete ? "" : " (incomplete)", Duration(result.seconds),
                     Plural(result.executions, "schedule", "schedules"));
  if (plain && plain->complete && result.complete) {
    const double factor = result.executions == 0 ? 0
                                                 : static_cast<double>(plain->executions) /
                                                       static_cast<double>(result.executions);
    out += fmt::format("; without the reduction: {} states, {} ({:.1f}x as many)", plain->states,
                       Plural(plain->executions, "schedule", "schedules"), factor);
  }
  out += "\n";
  for (const CheckOutcome& outcome : result.outcomes) {
    if (outcome.expect && !outcome.order_violation) continue;
    out += fmt::format("\n{} {}:\n",
                       outcome.expect ? "Reached with a missed callback:" : "Breaks an expect:",
                       OutcomeText(program, outcome.values));
    AppendStory(program, ordering, outcome.schedule, out);
  }
  for (const CheckError& error : result.errors) {
    out += fmt::format("\nRun error: {}\n", error.message);
    AppendStory(program, ordering, error.schedule, out);
  }
  out += "\n";
  if (!result.complete) {
    out += fmt::format(
        "PARTIAL: the search stopped after {} states (--max-states); the outcomes above are those "
        "found so far, others may be reachable\n",
        result.states);
  } else if (CheckExitCode(result) == 0) {
    out += fmt::format(
        "PASS: {} ends in an outcome that meets every expect, with no missed callback and no "
        "run error\n",
        result.executions == 1
            ? std::string("the one schedule left after the reduction")
            : fmt::format("every one of the {} schedules left after the reduction",
                          result.executions));
  } else {
    std::vector<std::string> what;
    if (negative > 0) {
      what.push_back(
          fmt::format("{} of {} {} an expect", negative,
                      Plural(result.outcomes.size(), "reachable outcome", "reachable outcomes"),
                      negative == 1 ? "breaks" : "break"));
    }
    if (result.order_violation) what.push_back("an await can miss its callback");
    if (!result.errors.empty()) {
      what.push_back(fmt::format("{} run error{} reachable", result.errors.size(),
                                 result.errors.size() == 1 ? " is" : "s are"));
    }
    out += "FAIL: " + fmt::format("{}", fmt::join(what, "; ")) + "\n";
  }
  return out;
}

int CheckExitCode(const CheckResult& result) {
  if (!result.complete) return 4;
  const bool fine =
      result.expect == ExpectVerdict::kAlways && !result.order_violation && result.errors.empty();
  return fine ? 0 : 1;
}

}  // namespace cardflow
