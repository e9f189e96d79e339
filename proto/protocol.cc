#include "proto/protocol.h"

#include <fmt/format.h>

namespace cardflow {

Status CheckProtocol(uint32_t protocol, std::string_view what) {
  if (protocol == kProtocolVersion) return Status::Ok();
  if (protocol == 0) {
    return InvalidArgumentError(fmt::format("{} carries no protocol version", what));
  }
  return FailedPreconditionError(fmt::format("{} speaks protocol {}, this program speaks {}", what,
                                             protocol, kProtocolVersion));
}

}  // namespace cardflow
