#include "coordinator/cluster/placement.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace cardflow {

namespace {

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The explicitly chosen node of every stack (override, else hint, else
// empty); INVALID_ARGUMENT for an override naming no stack.
StatusOr<std::vector<std::string>> Chosen(
    const Program& program, const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> chosen;
  chosen.reserve(program.stacks.size());
  for (const StackProgram& stack : program.stacks) chosen.emplace_back(stack.node_hint);
  for (const auto& [stack, node] : overrides) {
    // By name, not the binding: clang 14 (the fuzz preset) cannot capture one.
    const std::string& name = stack;
    auto it = std::find_if(program.stacks.begin(), program.stacks.end(),
                           [&](const StackProgram& s) { return s.name == name; });
    if (it == program.stacks.end()) {
      return InvalidArgumentError(
          fmt::format("--place {}={}: the deck has no stack {}", stack, node, stack));
    }
    if (node.empty()) {
      return InvalidArgumentError(fmt::format("--place {}=: no node named", stack));
    }
    chosen[it - program.stacks.begin()] = node;
  }
  return chosen;
}

// INVALID_ARGUMENT naming every stack `chosen` puts on a node not in
// `nodes`, by node, with where each choice came from and what to do:
// "stacks A, B are placed on node Z (`on` in the deck), but no node Z was
// given (nodes: n1): give it (--node NAME=HOST:PORT) or place the stacks on
// a node given (--place STACK=NODE, e.g. --place A=n1)".
Status CheckChosenNodes(const Program& program, const std::vector<std::string>& chosen,
                        const std::vector<std::string>& nodes,
                        const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> absent;  // in order of first mention
  for (const std::string& node : chosen) {
    if (!node.empty() && !Contains(nodes, node) && !Contains(absent, node)) absent.push_back(node);
  }
  if (absent.empty()) return Status::Ok();
  std::vector<std::string> clauses;
  std::string first_stack;
  for (const std::string& node : absent) {
    std::vector<std::string> stacks;
    bool by_hint = false;
    bool by_place = false;
    for (StackId s = 0; s < program.stacks.size(); ++s) {
      if (chosen[s] != node) continue;
      const std::string& name = program.stacks[s].name;
      stacks.push_back(name);
      const bool overridden = std::any_of(overrides.begin(), overrides.end(),
                                          [&](const auto& o) { return o.first == name; });
      (overridden ? by_place : by_hint) = true;
    }
    if (first_stack.empty()) first_stack = stacks.front();
    const char* source = by_hint && by_place ? "`on` in the deck and --place"
                         : by_place          ? "--place"
                                             : "`on` in the deck";
    std::string named = stacks.size() == 1 ? "stack " + stacks.front() + " is" : "stacks ";
    if (stacks.size() > 1) {
      constexpr size_t kMaxNamed = 8;  // a big deck's every stack would be a page
      const size_t shown = std::min(stacks.size(), kMaxNamed);
      named += fmt::format("{}", fmt::join(stacks.begin(), stacks.begin() + shown, ", "));
      if (shown < stacks.size()) named += fmt::format(" and {} more", stacks.size() - shown);
      named += " are";
    }
    clauses.push_back(fmt::format("{} placed on node {} ({})", named, node, source));
  }
  return InvalidArgumentError(fmt::format(
      "{}, but no node {} was given (nodes: {}): give {} (--node NAME=HOST:PORT) or place the "
      "stacks on a node given (--place STACK=NODE, e.g. --place {}={})",
      fmt::join(clauses, "; "), fmt::join(absent, " or "), fmt::join(nodes, ", "),
      absent.size() == 1 ? "it" : "them", first_stack, nodes.front()));
}

}  // namespace

StatusOr<std::vector<std::string>> PlaceStacks(
    const Program& program, const std::vector<std::string>& nodes,
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  if (nodes.empty()) return InvalidArgumentError("no nodes to place stacks on");
  auto chosen = Chosen(program, overrides);
  if (!chosen.ok()) return chosen.status();
  std::vector<std::string> placement = std::move(chosen).value();
  if (Status s = CheckChosenNodes(program, placement, nodes, overrides); !s.ok()) return s;
  size_t next = 0;
  for (StackId s = 0; s < program.stacks.size(); ++s) {
    if (placement[s].empty()) placement[s] = nodes[next++ % nodes.size()];
  }
  return placement;
}

std::vector<std::pair<std::string, std::string>> PlaceAllOn(const Program& program,
                                                            const std::string& node) {
  std::vector<std::pair<std::string, std::string>> place;
  for (const StackProgram& stack : program.stacks) place.emplace_back(stack.name, node);
  return place;
}

StatusOr<std::vector<std::string>> LoopbackNodeNames(
    const Program& program, int count,
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  if (count < 1) return InvalidArgumentError("--loopback needs at least 1 node");
  auto chosen = Chosen(program, overrides);
  if (!chosen.ok()) return chosen.status();
  std::vector<std::string> names;
  for (const std::string& node : *chosen) {
    if (!node.empty() && !Contains(names, node)) names.push_back(node);
  }
  if (names.size() > static_cast<size_t>(count)) {
    return InvalidArgumentError(
        fmt::format("the placement names {} nodes ({}), --loopback {} starts {}", names.size(),
                    fmt::join(names, ", "), count, count));
  }
  for (int i = 1; names.size() < static_cast<size_t>(count); ++i) {
    std::string name = fmt::format("n{}", i);
    if (!Contains(names, name)) names.push_back(std::move(name));
  }
  return names;
}

size_t LeastLoaded(const std::vector<size_t>& load, const std::vector<bool>& live) {
  size_t best = load.size();
  for (size_t n = 0; n < load.size(); ++n) {
    if (live[n] && (best == load.size() || load[n] < load[best])) best = n;
  }
  return best;
}

}  // namespace cardflow
