// HostPort: a "HOST:PORT" address as written on the command line, and the
// text form of a bound endpoint. IPv6 hosts are written in brackets:
// "[::1]:8474".
#pragma once

#include <asio/ip/tcp.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "chaos/status.h"

namespace cardflow::chaos {

struct HostPort {
  std::string host;  // a name, an IPv4 address or an IPv6 address (no brackets)
  uint16_t port = 0;

  // "host:port", with brackets around an IPv6 host.
  std::string ToString() const;
  friend bool operator==(const HostPort&, const HostPort&) = default;
};

// Parses "HOST:PORT". InvalidArgument (naming `what`) if the host is empty,
// the brackets do not match, or the port is not a number in 0..65535.
StatusOr<HostPort> ParseHostPort(std::string_view text, std::string_view what);

// "ADDRESS:PORT" of a bound or connected endpoint, brackets for IPv6.
std::string EndpointToString(const asio::ip::tcp::endpoint& endpoint);

}  // namespace cardflow::chaos
