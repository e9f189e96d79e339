#include "node/node_metrics.h"

#include <fmt/format.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <exception>

#include "base/port.h"

namespace cardflow {

struct NodeMetrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::unique_ptr<prometheus::Exposer> exposer;
  std::string address;
  prometheus::Counter* cards_run = nullptr;
  prometheus::Counter* callbacks_sent = nullptr;
  prometheus::Counter* callbacks_received = nullptr;
  prometheus::Counter* runs_finished = nullptr;
  prometheus::Counter* assigns = nullptr;
  prometheus::Counter* assign_bytes = nullptr;
  prometheus::Counter* assigns_cached = nullptr;
  prometheus::Counter* assign_bytes_cached = nullptr;
  prometheus::Histogram* table_round_trip = nullptr;
  prometheus::Histogram* callback_batch_ack = nullptr;
};

namespace {

prometheus::Counter& AddCounter(prometheus::Registry& registry, const std::string& name,
                                const std::string& help, const std::string& node) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({{"node", node}});
}

prometheus::Histogram& AddHistogram(prometheus::Registry& registry, const std::string& name,
                                    const std::string& help, const std::string& node) {
  static const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {
      1e-5,   2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2,
      2.5e-2, 5e-2,   0.1,  0.25, 0.5,    1,    2.5,  5,      10};
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry).Add({{"node", node}},
                                                                                   kLatencyBuckets);
}

double Seconds(std::chrono::nanoseconds elapsed) {
  return std::chrono::duration<double>(elapsed).count();
}

}  // namespace

StatusOr<std::unique_ptr<NodeMetrics>> NodeMetrics::Start(const std::string& listen,
                                                          const std::string& node) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || !PortOf(listen)) {
    return InvalidArgumentError(fmt::format(
        "--metrics {}: expected HOST:PORT with a port from 0 (any free one) to 65535", listen));
  }
  auto impl = std::make_unique<Impl>();
  try {
    // prometheus-cpp (CivetWeb) reports a port it cannot bind by throwing.
    impl->exposer = std::make_unique<prometheus::Exposer>(listen);
  } catch (const std::exception& e) {
    return UnavailableError(
        fmt::format("node {} cannot serve metrics on {}: {}", node, listen, e.what()));
  }
  const std::vector<int> ports = impl->exposer->GetListeningPorts();
  impl->address = fmt::format("{}:{}", listen.substr(0, colon), ports.empty() ? 0 : ports.front());
  Impl& m = *impl;
  m.cards_run = &AddCounter(*m.registry, "cardflow_node_cards_run_total",
                            "Cards run by stacks that finished on this node", node);
  m.callbacks_sent = &AddCounter(*m.registry, "cardflow_node_callbacks_sent_total",
                                 "Callbacks sent by stacks on this node", node);
  m.callbacks_received = &AddCounter(*m.registry, "cardflow_node_callbacks_received_total",
                                     "Callbacks that arrived at stacks on this node", node);
  m.runs_finished = &AddCounter(*m.registry, "cardflow_node_runs_finished_total",
                                "Runs whose stacks on this node all finished", node);
  m.assigns =
      &AddCounter(*m.registry, "cardflow_node_assigns_total", "Runs assigned to this node", node);
  m.assign_bytes = &AddCounter(*m.registry, "cardflow_node_assign_bytes_total",
                               "Bytes of the Assign messages of the runs assigned here (a "
                               "program crosses once per node and placement, then its key)",
                               node);
  m.assigns_cached = &AddCounter(*m.registry, "cardflow_node_assigns_cached_total",
                                 "Runs assigned here whose program this node had (by key)", node);
  m.assign_bytes_cached =
      &AddCounter(*m.registry, "cardflow_node_assign_bytes_cached_total",
                  "Bytes of the Assign messages that named a program this node had", node);
  m.table_round_trip = &AddHistogram(
      *m.registry, "cardflow_node_table_round_trip_seconds",
      "From a stack's table request being sent to the coordinator until its answer", node);
  m.callback_batch_ack = &AddHistogram(
      *m.registry, "cardflow_node_callback_batch_ack_seconds",
      "From a peer's callback batch being read here until its ack is written back", node);
  m.exposer->RegisterCollectable(m.registry);
  return std::unique_ptr<NodeMetrics>(new NodeMetrics(std::move(impl)));
}

NodeMetrics::NodeMetrics(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

NodeMetrics::~NodeMetrics() = default;

void NodeMetrics::Observe(const Event& event) {
  if (event.kind == EventKind::kSend) impl_->callbacks_sent->Increment();
  if (event.kind == EventKind::kArrive) impl_->callbacks_received->Increment();
}

void NodeMetrics::RunFinished(uint64_t cards) {
  impl_->cards_run->Increment(static_cast<double>(cards));
  impl_->runs_finished->Increment();
}

void NodeMetrics::Assigned(size_t bytes, bool cached) {
  impl_->assigns->Increment();
  impl_->assign_bytes->Increment(static_cast<double>(bytes));
  if (!cached) return;
  impl_->assigns_cached->Increment();
  impl_->assign_bytes_cached->Increment(static_cast<double>(bytes));
}

void NodeMetrics::TableRoundTrip(std::chrono::nanoseconds elapsed) {
  impl_->table_round_trip->Observe(Seconds(elapsed));
}

void NodeMetrics::CallbackBatchAcked(std::chrono::nanoseconds elapsed) {
  impl_->callback_batch_ack->Observe(Seconds(elapsed));
}

const std::string& NodeMetrics::address() const { return impl_->address; }

void TableRoundTrips::Asked(StackId stack, const NodeMetrics* metrics) {
  if (metrics == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  MutexLock lock(mutex_);
  if (asked_.size() <= stack) asked_.resize(stack + 1);
  asked_[stack] = now;
}

void TableRoundTrips::Answered(StackId stack, NodeMetrics* metrics) {
  if (metrics == nullptr) return;
  std::chrono::steady_clock::time_point asked;
  {
    MutexLock lock(mutex_);
    if (stack >= asked_.size()) return;
    asked = asked_[stack];
  }
  metrics->TableRoundTrip(std::chrono::steady_clock::now() - asked);
}

}  // namespace cardflow
