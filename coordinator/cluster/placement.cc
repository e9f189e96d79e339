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

}  // namespace

StatusOr<std::vector<std::string>> PlaceStacks(
    const Program& program, const std::vector<std::string>& nodes,
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  if (nodes.empty()) return InvalidArgumentError("no nodes to place stacks on");
  auto chosen = Chosen(program, overrides);
  if (!chosen.ok()) return chosen.status();
  std::vector<std::string> placement = std::move(chosen).value();
  size_t next = 0;
  for (StackId s = 0; s < program.stacks.size(); ++s) {
    std::string& node = placement[s];
    if (node.empty()) {
      node = nodes[next++ % nodes.size()];
      continue;
    }
    if (!Contains(nodes, node)) {
      const bool overridden = std::any_of(overrides.begin(), overrides.end(), [&](const auto& o) {
        return o.first == program.stacks[s].name;
      });
      return InvalidArgumentError(
          fmt::format("stack {} is placed on node {} ({}), but no node {} was given (nodes: {})",
                      program.stacks[s].name, node, overridden ? "--place" : "`on` in the deck",
                      node, fmt::join(nodes, ", ")));
    }
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
