// The wire protocol's version, and the one check every receiver applies to
// every top-level message (see cardflow.proto, "Versioning").
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status/status.h"

namespace cardflow {

inline constexpr uint32_t kProtocolVersion = 2;

// OK when `protocol` is kProtocolVersion. A missing version (0) is a
// malformed message: INVALID_ARGUMENT. Any other version: FAILED_PRECONDITION
// naming both versions. `what` names the message in the error ("RunControl").
Status CheckProtocol(uint32_t protocol, std::string_view what);

}  // namespace cardflow
