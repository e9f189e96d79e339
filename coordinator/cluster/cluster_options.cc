#include "coordinator/cluster/cluster_options.h"

#include <fmt/format.h>

#include <charconv>
#include <string_view>

namespace cardflow {

namespace {

// "LEFT=RIGHT" with both sides non-empty and no space.
bool Split(std::string_view flag, std::string* left, std::string* right) {
  const size_t eq = flag.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == flag.size()) return false;
  if (flag.find(' ') != std::string_view::npos) return false;
  *left = std::string(flag.substr(0, eq));
  *right = std::string(flag.substr(eq + 1));
  return true;
}

}  // namespace

StatusOr<NodeAddress> ParseNodeFlag(std::string_view flag) {
  NodeAddress node;
  if (!Split(flag, &node.name, &node.address) || node.address.find(':') == std::string::npos) {
    return InvalidArgumentError(fmt::format("--node {}: expected NAME=HOST:PORT", flag));
  }
  // gRPC would take port 70000 as 70000 mod 65536 and dial another port.
  const std::string_view port = std::string_view(node.address).substr(node.address.rfind(':') + 1);
  unsigned number = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (port.empty() || error != std::errc() || end != port.data() + port.size() || number < 1 ||
      number > 65535) {
    return InvalidArgumentError(
        fmt::format("--node {}: the port must be a number from 1 to 65535", flag));
  }
  return node;
}

StatusOr<std::pair<std::string, std::string>> ParsePlaceFlag(std::string_view flag) {
  std::pair<std::string, std::string> place;
  if (!Split(flag, &place.first, &place.second)) {
    return InvalidArgumentError(fmt::format("--place {}: expected STACK=NODE", flag));
  }
  return place;
}

}  // namespace cardflow
