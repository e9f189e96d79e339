// CommandMetrics: `--metrics HOST:PORT [--metrics-linger]` for the length of
// one `run` or `demo` — CoordinatorMetrics served while the command works,
// and with linger also after its report is out, until SIGINT or SIGTERM, so
// that a last scrape sees the final counts (the process ends otherwise).
#pragma once

#include <memory>
#include <string>

#include "common/status/status.h"
#include "coordinator/coordinator_metrics.h"
#include "coordinator/shutdown_signals.h"

namespace cardflow {

struct MetricsOptions {
  std::string listen;   // --metrics HOST:PORT; empty: no metrics
  bool linger = false;  // --metrics-linger
};

class CommandMetrics {
 public:
  // Call before the command starts any thread (linger blocks the signals
  // here, see ShutdownSignals). Logs "metrics on http://HOST:PORT/metrics"
  // at info. With no listen address, metrics() is null and Linger returns
  // at once. Errors as CoordinatorMetrics::Start.
  static StatusOr<std::unique_ptr<CommandMetrics>> Start(const MetricsOptions& options);

  CoordinatorMetrics* metrics() const { return metrics_.get(); }

  // With --metrics-linger: keeps serving until SIGINT or SIGTERM.
  void Linger();

 private:
  CommandMetrics() = default;
  std::unique_ptr<ShutdownSignals> signals_;  // set with linger
  std::unique_ptr<CoordinatorMetrics> metrics_;
};

}  // namespace cardflow
