#include "common/logging/logger.h"

#include <fmt/format.h>
#include <grpc/support/log.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <ctime>
#include <nlohmann/json.hpp>

namespace cardflow {

namespace {

// One JSON object per line: time (UTC, milliseconds), level, the component
// ("node": "X") and the message, escaped by nlohmann (invalid UTF-8 replaced).
class JsonFormatter final : public spdlog::formatter {
 public:
  explicit JsonFormatter(std::string component) : component_(std::move(component)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto since_epoch = msg.time.time_since_epoch();
    const std::time_t seconds =
        std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char time[32];
    std::strftime(time, sizeof time, "%Y-%m-%dT%H:%M:%S", &utc);

    nlohmann::ordered_json line;
    line["time"] = fmt::format("{}.{:03}Z", time, millis);
    const auto level = spdlog::level::to_string_view(msg.level);
    line["level"] = std::string(level.data(), level.size());
    line[component_] = std::string(msg.logger_name.data(), msg.logger_name.size());
    line["message"] = std::string(msg.payload.data(), msg.payload.size());
    const std::string text =
        line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>(component_);
  }

 private:
  const std::string component_;
};

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

std::optional<LogFormat> ParseLogFormat(std::string_view word) {
  if (word == "text") return LogFormat::kText;
  if (word == "json") return LogFormat::kJson;
  return std::nullopt;
}

std::shared_ptr<spdlog::logger> MakeStderrLogger(const std::string& component,
                                                 const std::string& name,
                                                 const LogOptions& options) {
  std::shared_ptr<spdlog::logger> logger;
  if (options.format == LogFormat::kJson) {
    logger =
        std::make_shared<spdlog::logger>(name, std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_formatter(std::make_unique<JsonFormatter>(component));
  } else {
    logger = std::make_shared<spdlog::logger>(
        name, std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    logger->set_pattern(fmt::format("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [{} %n] %v", component));
  }
  logger->set_level(spdlog::level::from_str(options.level));
  return logger;
}

void RouteGrpcLogsTo(std::shared_ptr<spdlog::logger> logger) {
  GrpcLogger() = std::move(logger);
  gpr_set_log_function(&LogGrpcLine);
}

}  // namespace cardflow
