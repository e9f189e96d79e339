// cardflow::Status <-> grpc::Status. The codes are the same numbers, so the
// conversion is one-to-one; it lives here so the RPC boundary of both
// programs converts the same way.
#pragma once

#include <grpcpp/support/status.h>

#include "common/status/status.h"

namespace cardflow {

grpc::Status ToGrpcStatus(const Status& status);
Status FromGrpcStatus(const grpc::Status& status);

}  // namespace cardflow
