// ToxicFlag: a toxic given when the proxy starts, as `--toxic LINK=JSON`,
// where JSON is the body of POST /proxies/LINK/toxics (toxic_json.h):
//
//   --toxic 'y={"type":"latency","attributes":{"latency":20,"jitter":5}}'
//
// So a proxy can come up already hostile, with no client of the control API
// (a docker-compose service, a one-line script). The link is looked up when
// the toxic is added; here only the text is checked.
#pragma once

#include <string>
#include <string_view>

#include "chaos/status.h"
#include "chaos/toxic_spec.h"

namespace cardflow::chaos {

struct ToxicFlag {
  std::string link;
  ToxicSpec spec;
};

// Parses the text of one --toxic; InvalidArgument saying what is wrong
// (the link name, JSON that does not parse, or what ToxicSpecFromJson says).
StatusOr<ToxicFlag> ParseToxicFlag(std::string_view text);

}  // namespace cardflow::chaos
