// The framing the message fuzzers share (node_wire, cluster_run): one input
// is a sequence of messages separated by "#MSG#", each starting with a byte
// that says what it is.
#pragma once

#include <string_view>
#include <vector>

namespace cardflow::fuzz {

inline constexpr std::string_view kSeparator = "#MSG#";

// The messages of `input`, in order (empty ones included).
inline std::vector<std::string_view> SplitMessages(std::string_view input) {
  std::vector<std::string_view> messages;
  while (true) {
    const size_t at = input.find(kSeparator);
    messages.push_back(input.substr(0, at));
    if (at == std::string_view::npos) return messages;
    input.remove_prefix(at + kSeparator.size());
  }
}

}  // namespace cardflow::fuzz
