// The stderr loggers of base/logger.h (`--log-format text|json`, one line
// shape for every program), and gRPC's own lines sent through them: the
// programs that use gRPC (node, coordinator) include this one.
//
//   auto log = MakeStderrLogger("node", "X", {.level = "info", .format = LogFormat::kJson});
//   RouteGrpcLogsTo(log);
#pragma once

#include <spdlog/logger.h>

#include <memory>

#include "base/logger.h"

namespace cardflow {

// Sends gRPC's own log lines (connection errors and the like, which gRPC
// writes to stderr itself) to `logger`, so a JSON log stays all JSON. Call
// from main() before any gRPC object exists; the logger lives until exit.
void RouteGrpcLogsTo(std::shared_ptr<spdlog::logger> logger);

// While one of these lives, gRPC's error lines go out at debug level: for a
// step whose failure the caller explains in its own words (a server that
// cannot bind its port logs "node X cannot listen on A: address already in
// use", not gRPC's nested error tree). Process-wide; any thread; nests.
class GrpcErrorsExplainedByCaller {
 public:
  GrpcErrorsExplainedByCaller();
  ~GrpcErrorsExplainedByCaller();
  GrpcErrorsExplainedByCaller(const GrpcErrorsExplainedByCaller&) = delete;
  GrpcErrorsExplainedByCaller& operator=(const GrpcErrorsExplainedByCaller&) = delete;
};

}  // namespace cardflow
