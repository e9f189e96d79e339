#include "common/trace/node_groups.h"

#include <algorithm>

namespace cardflow {

std::vector<NodeGroup> GroupStacksByNode(
    const Program& program, const std::vector<std::pair<std::string, std::string>>& placement) {
  std::vector<NodeGroup> groups;
  for (StackId s = 0; s < program.stacks.size(); ++s) {
    std::string node = "local";
    for (const auto& [stack, where] : placement) {
      if (stack == program.stacks[s].name) {
        node = where;
        break;
      }
    }
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const NodeGroup& g) { return g.node == node; });
    if (group == groups.end()) group = groups.insert(groups.end(), NodeGroup{node, {}});
    group->stacks.push_back(s);
  }
  return groups;
}

}  // namespace cardflow
