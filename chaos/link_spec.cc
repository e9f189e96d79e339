#include "chaos/link_spec.h"

namespace cardflow::chaos {

namespace {

constexpr std::string_view kSyntax = "NAME=LISTEN_HOST:LISTEN_PORT:UPSTREAM_HOST:UPSTREAM_PORT";

// Where the listen address ends: the ':' after the listen port, skipping
// colons inside brackets. npos if there is none.
size_t ListenEnd(std::string_view text) {
  int colons = 0;
  bool bracket = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '[') bracket = true;
    if (text[i] == ']') bracket = false;
    if (text[i] == ':' && !bracket && ++colons == 2) return i;
  }
  return std::string_view::npos;
}

}  // namespace

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '/' || u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

StatusOr<LinkSpec> ParseLinkSpec(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return InvalidArgumentError("--link '" + std::string(text) + "': " + std::string(why) +
                                " (expected " + std::string(kSyntax) + ")");
  };
  const size_t equals = text.find('=');
  if (equals == std::string_view::npos) return bad("no '='");
  LinkSpec spec;
  spec.name = std::string(text.substr(0, equals));
  if (!IsValidName(spec.name)) return bad("NAME " + std::string(kNameRule));
  const std::string_view addresses = text.substr(equals + 1);
  const size_t split = ListenEnd(addresses);
  if (split == std::string_view::npos) return bad("no upstream address");
  StatusOr<HostPort> listen = ParseHostPort(addresses.substr(0, split), "listen address");
  if (!listen.ok()) return bad(listen.status().message());
  StatusOr<HostPort> upstream = ParseHostPort(addresses.substr(split + 1), "upstream address");
  if (!upstream.ok()) return bad(upstream.status().message());
  if (upstream->port == 0) return bad("the upstream port must not be 0");
  spec.listen = *std::move(listen);
  spec.upstream = *std::move(upstream);
  return spec;
}

}  // namespace cardflow::chaos
