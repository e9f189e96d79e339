// CoordinatorMetrics: the coordinator's Prometheus metrics, served over HTTP
// at /metrics while `run` or `demo` works (`--metrics HOST:PORT`), and after
// it with `--metrics-linger`, until SIGINT or SIGTERM:
//
//   cardflow_coordinator_runs_finished_total{deck,ordering}    runs finished (as they finish)
//   cardflow_coordinator_reports_total{deck,ordering}          reports completed
//   cardflow_coordinator_expect_failures_total{deck,ordering}  runs that broke an expect
//   cardflow_coordinator_order_violations_total{deck,ordering} runs whose await missed its callback
//   cardflow_coordinator_run_errors_total{deck,ordering}       runs stopped by a run error
//   cardflow_coordinator_outcomes{deck,ordering}               distinct outcomes, latest report
//   cardflow_coordinator_cluster_faults_total                  reports the cluster could not carry
//   cardflow_coordinator_ping_seconds{node}                    histogram: node Ping latency
//   cardflow_coordinator_table_service_seconds{node}           histogram: table requests -> replies
//   cardflow_coordinator_run_call_seconds{node}                histogram: one run's Run call
//
// The failure counters and the outcome gauge change when a report is
// complete, the run counter as runs finish; the histograms come from the
// cluster (ClusterObserver) and stay empty for local runs. Latency buckets:
// 10 µs to 10 s, 1-2.5-5 per decade.
//
// Thread-safety: every method from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/deck/program.h"
#include "common/report/report.h"
#include "common/status/status.h"
#include "coordinator/cluster/cluster_observer.h"

namespace cardflow {

class CoordinatorMetrics final : public ClusterObserver {
 public:
  // Serves /metrics on `listen` (HOST:PORT; port 0 picks a free one).
  // INVALID_ARGUMENT for a malformed address, UNAVAILABLE when it cannot listen.
  static StatusOr<std::unique_ptr<CoordinatorMetrics>> Start(const std::string& listen);
  ~CoordinatorMetrics() override;  // stops serving
  CoordinatorMetrics(const CoordinatorMetrics&) = delete;
  CoordinatorMetrics& operator=(const CoordinatorMetrics&) = delete;

  // One run of `deck` (a Program's file) finished, with or without a run error.
  void RunFinished(const std::string& deck, Ordering ordering);
  // The report of a command's runs is complete.
  void ReportDone(const Report& report);
  // The cluster could not carry a command's runs (exit status 3).
  void ClusterFault();

  void PingDone(const std::string& node, std::chrono::nanoseconds elapsed, bool ok) override;
  void TableServed(const std::string& node, size_t requests,
                   std::chrono::nanoseconds elapsed) override;
  void RunCallDone(const std::string& node, std::chrono::nanoseconds elapsed, bool ok) override;

  const std::string& address() const;  // bound HOST:PORT

 private:
  struct Impl;
  explicit CoordinatorMetrics(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cardflow
