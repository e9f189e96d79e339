#include "coordinator/check_command.h"

#include <fstream>
#include <optional>

#include "common/check/check_report.h"
#include "common/check/explorer.h"
#include "common/deck/load.h"
#include "common/local/local_runner.h"
#include "common/report/report.h"
#include "common/trace/html_report.h"
#include "coordinator/deck_source.h"

namespace cardflow {

namespace {

// Under this many states the plain search runs too, and the text output
// says how much the reduction pruned.
constexpr uint64_t kPlainBudget = 200'000;

// The page of `check --report`: one section per outcome (and run error),
// each drawing its witness, replayed locally from its schedule.
std::string CheckPage(const Program& program, Ordering ordering, const CheckResult& result) {
  std::vector<HtmlSection> sections;
  std::vector<std::pair<std::string, std::string>> placement;
  for (const StackProgram& stack : program.stacks) placement.emplace_back(stack.name, "local");
  const auto section = [&](const std::string& title, const Schedule& schedule) {
    RunResult run = RunLocalOnce(program, ordering, 1, 1, {}, schedule);
    ReportBuilder builder(program, ordering, 1, placement);
    builder.Add(run);
    Report report = std::move(builder).Finish(0);
    std::vector<std::optional<RunResult>> witnesses;
    if (!report.outcomes.empty()) witnesses.emplace_back(run);  // the one outcome: this run
    sections.push_back(HtmlSection{title, std::move(report), std::move(run), std::move(witnesses)});
  };
  for (const CheckOutcome& outcome : result.outcomes) {
    section(std::string(outcome.expect ? "✓ " : "✗ ") + OutcomeText(program, outcome.values),
            outcome.schedule);
  }
  for (const CheckError& error : result.errors) section("run error", error.schedule);
  return HtmlReport(program, sections);
}

}  // namespace

int CheckCommand(const CheckCommandOptions& options, Console& console) {
  LoadResult loaded = LoadDeckSource(options.deck_path, options.ordering, console.err).loaded;
  if (!loaded.program) {
    std::string diagnostics = FormatDiagnostics(loaded.errors);
    if (!diagnostics.empty() && diagnostics.back() != '\n') diagnostics += '\n';
    console.err << diagnostics << std::flush;
    return 2;
  }
  const Program& program = *loaded.program;
  std::optional<std::ofstream> page;
  if (!options.report_html.empty()) {
    page.emplace(options.report_html, std::ios::binary | std::ios::trunc);
    if (!*page) {
      console.err << "cardflow-coordinator: cannot write " << options.report_html << "\n"
                  << std::flush;
      return 2;
    }
  }
  CheckOptions check;
  check.ordering = options.ordering;
  check.max_states = options.max_states;
  check.reduction = options.reduction;
  const CheckResult result = Explore(program, check);
  if (options.json) {
    console.out << CheckToJson(program, options.ordering, result) << std::flush;
  } else {
    std::optional<CheckResult> plain;
    if (options.reduction && result.complete && result.states <= kPlainBudget) {
      CheckOptions oracle = check;
      oracle.reduction = false;
      oracle.max_states = 5 * kPlainBudget;
      plain = Explore(program, oracle);
    }
    console.out << CheckToText(program, options.ordering, result, plain) << std::flush;
  }
  if (page) {
    *page << CheckPage(program, options.ordering, result);
    page->close();
    if (!*page) {
      console.err << "cardflow-coordinator: cannot write " << options.report_html << "\n"
                  << std::flush;
      return 2;
    }
    console.err << "wrote " << options.report_html << "\n" << std::flush;
  }
  return CheckExitCode(result);
}

}  // namespace cardflow
