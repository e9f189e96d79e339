#include "common/logging/logger.h"

#include <grpc/support/log.h>

#include <atomic>

namespace cardflow {

namespace {

std::shared_ptr<spdlog::logger>& GrpcLogger() {
  static std::shared_ptr<spdlog::logger> logger;
  return logger;
}

std::atomic<int> callers_explaining{0};

void LogGrpcLine(gpr_log_func_args* args) {
  const auto& logger = GrpcLogger();
  if (!logger) return;
  const bool explained = callers_explaining.load(std::memory_order_relaxed) > 0;
  const spdlog::level::level_enum level =
      explained                                  ? spdlog::level::debug
      : args->severity == GPR_LOG_SEVERITY_ERROR ? spdlog::level::err
      : args->severity == GPR_LOG_SEVERITY_INFO  ? spdlog::level::info
                                                 : spdlog::level::debug;
  logger->log(level, "grpc: {} ({}:{})", args->message, args->file, args->line);
}

}  // namespace

void RouteGrpcLogsTo(std::shared_ptr<spdlog::logger> logger) {
  GrpcLogger() = std::move(logger);
  gpr_set_log_function(&LogGrpcLine);
}

GrpcErrorsExplainedByCaller::GrpcErrorsExplainedByCaller() {
  callers_explaining.fetch_add(1, std::memory_order_relaxed);
}

GrpcErrorsExplainedByCaller::~GrpcErrorsExplainedByCaller() {
  callers_explaining.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace cardflow
