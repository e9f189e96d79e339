#include "coordinator/run_notes.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <vector>

namespace cardflow {

bool HasPrints(const Program& program) {
  return std::any_of(program.code.begin(), program.code.end(),
                     [](const Instr& instr) { return instr.op == Op::kPrint; });
}

std::string PrintLines(const Program& program, const RunResult& run) {
  if (!HasPrints(program)) return "";
  std::vector<std::string> lines = run.log;
  if (lines.empty()) {
    std::vector<const Event*> prints;
    for (const Event& event : run.events) {
      if (event.kind == EventKind::kPrint) prints.push_back(&event);
    }
    std::sort(prints.begin(), prints.end(), [](const Event* a, const Event* b) {
      return std::tie(a->lamport, a->stack) < std::tie(b->lamport, b->stack);
    });
    for (const Event* event : prints) {
      lines.push_back(program.stacks[event->stack].name + ": " + std::to_string(event->value));
    }
  }
  std::string out = "print lines of the run with seed " + std::to_string(run.seed) + ":\n";
  if (lines.empty()) out += "  (none)\n";
  for (const std::string& line : lines) out += "  " + line + "\n";
  return out;
}

std::string OutcomeHint(const Report& report) {
  constexpr size_t kMany = 10;
  if (report.outcomes.size() <= kMany) return "";
  std::vector<size_t> shared;  // terms without a stack
  for (size_t i = 0; i < report.terms.size(); ++i) {
    if (report.terms[i].find('.') == std::string::npos) shared.push_back(i);
  }
  if (shared.empty()) return "";
  std::set<std::vector<int64_t>> folded;
  for (const OutcomeCount& outcome : report.outcomes) {
    std::vector<int64_t> values;
    for (size_t i : shared) values.push_back(outcome.values[i]);
    folded.insert(std::move(values));
  }
  if (folded.size() * 2 > report.outcomes.size()) return "";
  std::string names;
  for (size_t i = 0; i < shared.size(); ++i) {
    if (i > 0) names += i + 1 == shared.size() ? " and " : ", ";
    names += report.terms[shared[i]];
  }
  std::string line;
  for (size_t i = 0; i < shared.size(); ++i) line += (i > 0 ? ", " : "") + report.terms[shared[i]];
  return "hint: " + std::to_string(report.outcomes.size()) + " distinct outcomes but only " +
         std::to_string(folded.size()) + " distinct values of " + names +
         ": the registers make the rest. An `outcome` line in the deck says which values make "
         "an outcome, e.g. `outcome " +
         line + "`\n";
}

}  // namespace cardflow
