#include "common/logging/logger.h"

#include <grpc/support/log.h>

namespace cardflow {

namespace {

std::shared_ptr<spdlog::logger>& GrpcLogger() {
  static std::shared_ptr<spdlog::logger> logger;
  return logger;
}

void LogGrpcLine(gpr_log_func_args* args) {
  const auto& logger = GrpcLogger();
  if (!logger) return;
  const spdlog::level::level_enum level =
      args->severity == GPR_LOG_SEVERITY_ERROR  ? spdlog::level::err
      : args->severity == GPR_LOG_SEVERITY_INFO ? spdlog::level::info
                                                : spdlog::level::debug;
  logger->log(level, "grpc: {} ({}:{})", args->message, args->file, args->line);
}

}  // namespace

void RouteGrpcLogsTo(std::shared_ptr<spdlog::logger> logger) {
  GrpcLogger() = std::move(logger);
  gpr_set_log_function(&LogGrpcLine);
}

}  // namespace cardflow
