#include "coordinator/command_metrics.h"

#include <spdlog/spdlog.h>

namespace cardflow {

StatusOr<std::unique_ptr<CommandMetrics>> CommandMetrics::Start(const MetricsOptions& options) {
  std::unique_ptr<CommandMetrics> out(new CommandMetrics());
  if (options.listen.empty()) return out;
  if (options.linger) out->signals_ = std::make_unique<ShutdownSignals>();
  StatusOr<std::unique_ptr<CoordinatorMetrics>> metrics = CoordinatorMetrics::Start(options.listen);
  if (!metrics.ok()) return metrics.status();
  out->metrics_ = std::move(metrics).value();
  spdlog::info("metrics on http://{}/metrics", out->metrics_->address());
  return out;
}

void CommandMetrics::Linger() {
  if (!signals_ || !metrics_) return;
  spdlog::info("serving metrics on http://{}/metrics until SIGINT or SIGTERM", metrics_->address());
  const int signal = signals_->Wait();
  spdlog::info("{}, stopping", ShutdownSignalName(signal));
}

}  // namespace cardflow
