// LinkSpec: one proxied link as given by `--link`.
//
//   --link NAME=LISTEN_HOST:LISTEN_PORT:UPSTREAM_HOST:UPSTREAM_PORT
//
// e.g. `--link node_a=127.0.0.1:0:127.0.0.1:7001`. NAME follows IsValidName
// (it appears in control URLs) and has no '='. IPv6 hosts go in brackets:
// `--link v6=[::1]:9000:[::1]:7001`. LISTEN_PORT 0 picks a free port.
#pragma once

#include <string>
#include <string_view>

#include "chaos/host_port.h"
#include "chaos/status.h"

namespace cardflow::chaos {

struct LinkSpec {
  std::string name;
  HostPort listen;
  HostPort upstream;  // port 1..65535

  friend bool operator==(const LinkSpec&, const LinkSpec&) = default;
};

// Parses the text of one --link; InvalidArgument saying what is wrong.
StatusOr<LinkSpec> ParseLinkSpec(std::string_view text);

// Whether `name` may name a link (a proxy) or a toxic: 1-255 bytes, no '/'
// (it is a URL path segment) and no control characters. Toxiproxy takes any
// non-empty name, but one with a '/' cannot be addressed afterwards.
bool IsValidName(std::string_view name);
// The rule above, in words, for error messages.
inline constexpr std::string_view kNameRule =
    "must be 1-255 bytes with no '/' and no control characters";

}  // namespace cardflow::chaos
