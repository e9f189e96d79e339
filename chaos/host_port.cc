#include "chaos/host_port.h"

#include <charconv>

namespace cardflow::chaos {

namespace {

std::string Bracketed(const std::string& host) {
  return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

}  // namespace

std::string HostPort::ToString() const { return Bracketed(host) + ":" + std::to_string(port); }

StatusOr<HostPort> ParseHostPort(std::string_view text, std::string_view what) {
  const auto bad = [&](std::string_view why) {
    return InvalidArgumentError(std::string(what) + " '" + std::string(text) +
                                "': " + std::string(why) + " (expected HOST:PORT)");
  };
  HostPort result;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return bad("'[' without ']'");
    result.host = std::string(text.substr(1, close - 1));
    if (close + 1 >= text.size() || text[close + 1] != ':') return bad("no ':PORT' after ']'");
    port_text = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("no ':PORT'");
    result.host = std::string(text.substr(0, colon));
    if (result.host.find(':') != std::string::npos) return bad("write an IPv6 host in brackets");
    port_text = text.substr(colon + 1);
  }
  if (result.host.empty()) return bad("empty host");
  unsigned port = 0;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return bad("the port is not a number in 0..65535");
  }
  result.port = static_cast<uint16_t>(port);
  return result;
}

std::string EndpointToString(const asio::ip::tcp::endpoint& endpoint) {
  return HostPort{endpoint.address().to_string(), endpoint.port()}.ToString();
}

}  // namespace cardflow::chaos
