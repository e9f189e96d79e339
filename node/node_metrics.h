// NodeMetrics: a node's Prometheus counters, served over HTTP at /metrics
// (`cardflow-node --metrics HOST:PORT`) for Prometheus to scrape:
//
//   cardflow_node_cards_run_total{node="X"}          cards of stacks that finished here
//   cardflow_node_callbacks_sent_total{node="X"}     notify cards run here
//   cardflow_node_callbacks_received_total{node="X"} callbacks that arrived at stacks here
//   cardflow_node_runs_finished_total{node="X"}      runs whose stacks here all finished
//
// Thread-safety: the counting methods from any thread (they are atomic
// increments, cheap enough for the event path).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/events/event.h"
#include "common/status/status.h"

namespace cardflow {

class NodeMetrics {
 public:
  // Serves /metrics on `listen` (HOST:PORT; port 0 picks a free one), every
  // series labelled node=`node`. UNAVAILABLE when it cannot listen.
  static StatusOr<std::unique_ptr<NodeMetrics>> Start(const std::string& listen,
                                                      const std::string& node);
  ~NodeMetrics();  // stops serving
  NodeMetrics(const NodeMetrics&) = delete;
  NodeMetrics& operator=(const NodeMetrics&) = delete;

  // Counts a callback event of a run: kSend and kArrive; others are ignored.
  void Observe(const Event& event);
  // A run finished here, its stacks here having run `cards` cards.
  void RunFinished(uint64_t cards);

  const std::string& address() const;  // bound HOST:PORT

 private:
  struct Impl;
  explicit NodeMetrics(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cardflow
