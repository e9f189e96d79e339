// The port of an address a program is given on its command line ("HOST:PORT",
// ":PORT", "[::1]:PORT"), checked before anything is bound or dialled: left
// to gRPC or CivetWeb, 70000 wraps to 4464 or fails with a message about
// something else.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace cardflow {

// The port after the last ':' of `address` if it is a whole number from
// `min` to 65535 (0 picks a free port where one listens); nullopt if not.
inline std::optional<uint16_t> PortOf(std::string_view address, int min = 0) {
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view digits = address.substr(colon + 1);
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  int port = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port < min || port > 65535) return std::nullopt;
  return static_cast<uint16_t>(port);
}

}  // namespace cardflow
