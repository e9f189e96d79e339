#include "coordinator/coordinator_metrics.h"

#include <fmt/format.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <exception>
#include <map>
#include <utility>

#include "base/port.h"
#include "common/base/mutex.h"

namespace cardflow {

namespace {

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      1e-5,   2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2,
      2.5e-2, 5e-2,   0.1,  0.25, 0.5,    1,    2.5,  5,      10};
  return kBuckets;
}

double Seconds(std::chrono::nanoseconds elapsed) {
  return std::chrono::duration<double>(elapsed).count();
}

// The series of one family by label values, added on first use. Family::Add
// does the same lookup, but would build a metric (a histogram's buckets) on
// every call only to throw it away.
template <typename Metric>
class Series {
 public:
  Series(prometheus::Family<Metric>& family, std::vector<std::string> keys)
      : family_(family), keys_(std::move(keys)) {}

  template <typename... Args>
  Metric& Get(const std::vector<std::string>& values, Args&&... args) EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    auto it = series_.find(values);
    if (it != series_.end()) return *it->second;
    prometheus::Labels labels;
    for (size_t i = 0; i < keys_.size(); ++i) labels[keys_[i]] = values[i];
    Metric& metric = family_.Add(labels, std::forward<Args>(args)...);
    series_.emplace(values, &metric);
    return metric;
  }

 private:
  prometheus::Family<Metric>& family_;
  const std::vector<std::string> keys_;
  Mutex mutex_;
  std::map<std::vector<std::string>, Metric*> series_ GUARDED_BY(mutex_);
};

template <typename Metric, typename Builder>
Series<Metric> Make(Builder builder, prometheus::Registry& registry, const std::string& name,
                    const std::string& help, std::vector<std::string> keys) {
  return Series<Metric>(builder.Name(name).Help(help).Register(registry), std::move(keys));
}

}  // namespace

struct CoordinatorMetrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::unique_ptr<prometheus::Exposer> exposer;
  std::string address;

  using Counters = Series<prometheus::Counter>;
  using Histograms = Series<prometheus::Histogram>;
  Counters runs_finished = Make<prometheus::Counter>(
      prometheus::BuildCounter(), *registry, "cardflow_coordinator_runs_finished_total",
      "Runs finished, with or without a run error", {"deck", "ordering"});
  Counters reports = Make<prometheus::Counter>(prometheus::BuildCounter(), *registry,
                                               "cardflow_coordinator_reports_total",
                                               "Reports completed", {"deck", "ordering"});
  Counters expect_failures = Make<prometheus::Counter>(
      prometheus::BuildCounter(), *registry, "cardflow_coordinator_expect_failures_total",
      "Completed runs that broke some expect", {"deck", "ordering"});
  Counters order_violations = Make<prometheus::Counter>(
      prometheus::BuildCounter(), *registry, "cardflow_coordinator_order_violations_total",
      "Runs in which some await did not get its matching callback", {"deck", "ordering"});
  Counters run_errors = Make<prometheus::Counter>(
      prometheus::BuildCounter(), *registry, "cardflow_coordinator_run_errors_total",
      "Runs stopped by a run error", {"deck", "ordering"});
  Series<prometheus::Gauge> outcomes =
      Make<prometheus::Gauge>(prometheus::BuildGauge(), *registry, "cardflow_coordinator_outcomes",
                              "Distinct outcomes of the latest report", {"deck", "ordering"});
  Counters cluster_faults = Make<prometheus::Counter>(
      prometheus::BuildCounter(), *registry, "cardflow_coordinator_cluster_faults_total",
      "Reports the cluster could not carry (exit status 3)", {});
  Histograms ping = Make<prometheus::Histogram>(
      prometheus::BuildHistogram(), *registry, "cardflow_coordinator_ping_seconds",
      "Latency of the Ping that checks a node before runs", {"node"});
  Histograms table_service = Make<prometheus::Histogram>(
      prometheus::BuildHistogram(), *registry, "cardflow_coordinator_table_service_seconds",
      "From reading a node's table requests to queueing the replies", {"node"});
  Histograms run_call = Make<prometheus::Histogram>(
      prometheus::BuildHistogram(), *registry, "cardflow_coordinator_run_call_seconds",
      "Duration of one run's Run call to a node", {"node"});
};

StatusOr<std::unique_ptr<CoordinatorMetrics>> CoordinatorMetrics::Start(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || !PortOf(listen)) {
    return InvalidArgumentError(fmt::format(
        "--metrics {}: expected HOST:PORT with a port from 0 (any free one) to 65535", listen));
  }
  auto impl = std::make_unique<Impl>();
  try {
    // prometheus-cpp (CivetWeb) reports a port it cannot bind by throwing.
    impl->exposer = std::make_unique<prometheus::Exposer>(listen);
  } catch (const std::exception& e) {
    return UnavailableError(fmt::format("cannot serve metrics on {}: {}", listen, e.what()));
  }
  const std::vector<int> ports = impl->exposer->GetListeningPorts();
  impl->address = fmt::format("{}:{}", listen.substr(0, colon), ports.empty() ? 0 : ports.front());
  impl->cluster_faults.Get({});  // present (at 0) from the first scrape
  impl->exposer->RegisterCollectable(impl->registry);
  return std::unique_ptr<CoordinatorMetrics>(new CoordinatorMetrics(std::move(impl)));
}

CoordinatorMetrics::CoordinatorMetrics(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CoordinatorMetrics::~CoordinatorMetrics() = default;

void CoordinatorMetrics::RunFinished(const std::string& deck, Ordering ordering) {
  impl_->runs_finished.Get({deck, OrderingName(ordering)}).Increment();
}

void CoordinatorMetrics::ReportDone(const Report& report) {
  const std::vector<std::string> labels = {report.deck, OrderingName(report.ordering)};
  impl_->reports.Get(labels).Increment();
  impl_->expect_failures.Get(labels).Increment(static_cast<double>(report.expect_failures));
  impl_->order_violations.Get(labels).Increment(static_cast<double>(report.order_violations));
  impl_->run_errors.Get(labels).Increment(static_cast<double>(report.run_errors));
  impl_->outcomes.Get(labels).Set(static_cast<double>(report.outcomes.size()));
}

void CoordinatorMetrics::ClusterFault() { impl_->cluster_faults.Get({}).Increment(); }

void CoordinatorMetrics::PingDone(const std::string& node, std::chrono::nanoseconds elapsed,
                                  bool ok) {
  impl_->ping.Get({node}, LatencyBuckets()).Observe(Seconds(elapsed));
}

void CoordinatorMetrics::TableServed(const std::string& node, size_t requests,
                                     std::chrono::nanoseconds elapsed) {
  impl_->table_service.Get({node}, LatencyBuckets()).Observe(Seconds(elapsed));
}

void CoordinatorMetrics::RunCallDone(const std::string& node, std::chrono::nanoseconds elapsed,
                                     bool ok) {
  impl_->run_call.Get({node}, LatencyBuckets()).Observe(Seconds(elapsed));
}

const std::string& CoordinatorMetrics::address() const { return impl_->address; }

}  // namespace cardflow
