#include "coordinator/cluster/node_list.h"

#include <fmt/format.h>

#include "base/file_text.h"

namespace cardflow {

namespace {

std::string_view Trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// The node of `list` that has `node`'s name, or null.
const NodeAddress* SameName(const std::vector<NodeAddress>& list, const NodeAddress& node) {
  for (const NodeAddress& other : list) {
    if (other.name == node.name) return &other;
  }
  return nullptr;
}

}  // namespace

StatusOr<std::vector<NodeAddress>> ParseNodeList(std::string_view text, const std::string& file) {
  std::vector<NodeAddress> nodes;
  std::vector<size_t> lines;  // of each node, for clash messages
  size_t number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++number;
    line = Trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    StatusOr<NodeAddress> node = ParseNodeFlag(line);
    if (!node.ok()) {
      return InvalidArgumentError(
          fmt::format("{}:{}: expected NAME=HOST:PORT, got \"{}\"", file, number, line));
    }
    if (const NodeAddress* other = SameName(nodes, *node)) {
      const size_t first = lines[static_cast<size_t>(other - nodes.data())];
      return InvalidArgumentError(fmt::format("{}:{}: node {} is named twice (first on line {})",
                                              file, number, node->name, first));
    }
    nodes.push_back(*std::move(node));
    lines.push_back(number);
  }
  if (nodes.empty()) return InvalidArgumentError(fmt::format("{}: no nodes", file));
  return nodes;
}

StatusOr<std::vector<NodeAddress>> ReadNodeListFile(const std::string& path) {
  FileText file = ReadFileText(path);
  if (!file.text) {
    return InvalidArgumentError(fmt::format("--nodes-file {}: cannot read the file{}", path,
                                            file.why.empty() ? "" : ": " + file.why));
  }
  return ParseNodeList(*file.text, path);
}

StatusOr<std::vector<NodeAddress>> MergeNodeLists(const std::vector<NodeAddress>& from_file,
                                                  const std::string& file,
                                                  const std::vector<NodeAddress>& from_flags) {
  std::vector<NodeAddress> nodes = from_file;
  for (const NodeAddress& node : from_flags) {
    if (const NodeAddress* other = SameName(nodes, node)) {
      const bool in_file = other - nodes.data() < static_cast<std::ptrdiff_t>(from_file.size());
      return InvalidArgumentError(fmt::format("--node {}={}: node {} is named twice{}", node.name,
                                              node.address, node.name,
                                              in_file ? " (once in " + file + ")" : ""));
    }
    nodes.push_back(node);
  }
  return nodes;
}

}  // namespace cardflow
