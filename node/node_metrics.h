// NodeMetrics: a node's Prometheus counters, served over HTTP at /metrics
// (`cardflow-node --metrics HOST:PORT`) for Prometheus to scrape:
//
//   cardflow_node_cards_run_total{node="X"}          cards of stacks that finished here
//   cardflow_node_callbacks_sent_total{node="X"}     notify cards run here
//   cardflow_node_callbacks_received_total{node="X"} callbacks that arrived at stacks here
//   cardflow_node_runs_finished_total{node="X"}      runs whose stacks here all finished
//   cardflow_node_table_round_trip_seconds{node="X"}  histogram: a stack's table request,
//                                                    sent to the coordinator until answered
//   cardflow_node_callback_batch_ack_seconds{node="X"} histogram: a peer's callback batch,
//                                                    read here until its ack is written back
//
// Latency buckets: 10 µs to 10 s, 1-2.5-5 per decade.
//
// Thread-safety: the counting methods from any thread (they are atomic
// increments, cheap enough for the event path).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/base/mutex.h"
#include "common/deck/program.h"
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
  // A table request of a stack here was answered `elapsed` after it was sent.
  void TableRoundTrip(std::chrono::nanoseconds elapsed);
  // A callback batch from a peer was acknowledged (the ack written back)
  // `elapsed` after it was read.
  void CallbackBatchAcked(std::chrono::nanoseconds elapsed);

  // A run was assigned here by an Assign message of `bytes` bytes, which
  // carried its program, or (`cached`) named one this node had by key.
  void Assigned(size_t bytes, bool cached);

  const std::string& address() const;  // bound HOST:PORT

 private:
  struct Impl;
  explicit NodeMetrics(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// TableRoundTrips: when each stack's outstanding table request was sent, to
// time its answer (NodeMetrics::TableRoundTrip). A stack has at most one
// request outstanding, so one slot per stack. Cheap enough for the table path;
// does nothing without metrics.
//
// Thread-safety: any thread.
class TableRoundTrips {
 public:
  // `stack` is about to send a table request; nothing when `metrics` is null.
  void Asked(StackId stack, const NodeMetrics* metrics) EXCLUDES(mutex_);
  // `stack`'s request was answered: observes the round trip in `metrics`
  // (may be null).
  void Answered(StackId stack, NodeMetrics* metrics) EXCLUDES(mutex_);

 private:
  Mutex mutex_;
  std::vector<std::chrono::steady_clock::time_point> asked_ GUARDED_BY(mutex_);  // by StackId
};

}  // namespace cardflow
