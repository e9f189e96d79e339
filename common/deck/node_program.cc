#include "common/deck/node_program.h"

#include <algorithm>

namespace cardflow {

namespace {

template <typename Id>
std::optional<Id> Lookup(const std::vector<std::pair<Id, Id>>& index, Id global) {
  const auto it = std::lower_bound(index.begin(), index.end(), std::make_pair(global, Id{0}));
  if (it == index.end() || it->first != global) return std::nullopt;
  return it->second;
}

template <typename Id>
std::vector<std::pair<Id, Id>> Invert(const std::vector<Id>& forward) {
  std::vector<std::pair<Id, Id>> index;
  index.reserve(forward.size());
  for (Id local = 0; local < forward.size(); ++local) index.emplace_back(forward[local], local);
  std::sort(index.begin(), index.end());
  return index;
}

}  // namespace

std::optional<StackId> NodeProgram::LocalStack(StackId global) const {
  return Lookup(stack_index, global);
}

std::optional<ChannelId> NodeProgram::LocalChannel(ChannelId global) const {
  return Lookup(channel_index, global);
}

std::string NodeProgram::StackName(StackId local) const {
  if (local < program.stacks.size() && !program.stacks[local].name.empty()) {
    return program.stacks[local].name;
  }
  return "stack id " + std::to_string(local < stack_global.size() ? stack_global[local] : local);
}

std::vector<StackId> NodeProgram::Own() const {
  std::vector<StackId> own;
  for (StackId s = 0; s < stack_node.size(); ++s) {
    if (stack_node[s] == self) own.push_back(s);
  }
  return own;
}

void NodeProgram::Index() {
  stack_index = Invert(stack_global);
  channel_index = Invert(channel_global);
}

}  // namespace cardflow
