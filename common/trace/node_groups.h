// NodeGroups: a run's stacks grouped by the node they ran on, in the order
// the reports draw them (nodes by their first stack in deck order, stacks in
// deck order within a node).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/deck/program.h"

namespace cardflow {

struct NodeGroup {
  std::string node;             // a node name, or "local"
  std::vector<StackId> stacks;  // in deck order
};

// `placement` maps stack names to a node name or "local"; a stack it does not
// name counts as "local", and names of no stack are ignored.
std::vector<NodeGroup> GroupStacksByNode(
    const Program& program, const std::vector<std::pair<std::string, std::string>>& placement);

}  // namespace cardflow
