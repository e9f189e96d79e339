// RunLoop: the N runs of one RunCluster call. It keeps `in_flight` runs
// going on the nodes and folds each finished run into the report as it
// comes (ReportBuilder, the RunSink, the progress callback).
//
// Each run starts with the plan for the nodes alive at that moment: a node
// given up for dead during one run (ClusterRunResult::dead) is left out of
// the runs that start after it, its stacks placed on the live nodes
// (PlanFor), and it is pinged again as runs start — at most every 100 ms,
// doubling up to 2 s — until it answers; from the next run on it takes its
// stacks back. The first fault (a run the cluster could not carry, no live
// node left) stops new runs; the runs in flight end, then Run returns it.
//
// Runs finish on a one-thread pool of the loop's own, never on gRPC's
// threads, and nothing there blocks: the rejoin pings are asynchronous
// (NodeConnections::AnswersAsync), and the next run is launched from the
// finished one's callback.
//
// Lifetime and thread-safety: construct, call Run once from one thread (it
// blocks until every run and ping has ended), destroy. Everything the
// constructor is given must outlive Run.
#pragma once

#include <asio/thread_pool.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/base/mutex.h"
#include "common/report/report.h"
#include "common/status/status.h"
#include "coordinator/cluster/cluster_options.h"
#include "coordinator/cluster/cluster_run.h"
#include "coordinator/cluster/node_connections.h"

namespace cardflow {

class RunLoop {
 public:
  // The plan of the runs started while the nodes marked in `dead` are down
  // (by node index; none: the first placement); the stacks it places away
  // from their node go to `moved`. UNAVAILABLE when no node is alive.
  using PlanFor = std::function<StatusOr<std::unique_ptr<RunPlan>>(const std::vector<bool>& dead,
                                                                   std::vector<MovedStack>& moved)>;

  // Reads options.runs, seed, in_flight, stop, sink and on_progress. The
  // nodes marked in `dead` (by node index; the nodes that did not answer
  // before the runs) start given up for dead, as if lost in a run.
  RunLoop(const ClusterOptions& options, NodeConnections& connections, RecoveryLog& recovery_log,
          ReportBuilder& builder, std::vector<bool> dead, PlanFor plan_for);
  RunLoop(const RunLoop&) = delete;
  RunLoop& operator=(const RunLoop&) = delete;

  // Runs them all. OK, or the first fault. Every finished run is in
  // `builder` (after a fault, those that completed before it); the stacks
  // recovery moved ("A: y -> x"), those placed elsewhere for runs started
  // while their node was down, and the nodes that answered again and were
  // alive at the end are added to it too.
  Status Run() EXCLUDES(mutex_);

 private:
  // Starts the next run, if any is left and nothing stopped the loop.
  void Launch() EXCLUDES(mutex_);
  void OnFinished(ClusterRunResult run) EXCLUDES(mutex_);
  // Pings the dead nodes whose backoff is over, without waiting.
  void Rejoin() EXCLUDES(mutex_);
  // The plan for the nodes alive now; null after setting fault_.
  const RunPlan* PlanLocked() REQUIRES(mutex_);
  bool Stopped() const { return options_.stop != nullptr && options_.stop->load(); }
  bool OverLocked() const REQUIRES(mutex_);
  static void NoteMoves(const std::vector<MovedStack>& moves, std::set<std::string>& into);

  const ClusterOptions& options_;
  NodeConnections& connections_;
  RecoveryLog& recovery_log_;
  const PlanFor plan_for_;
  const uint64_t id_base_;  // run ids differ between coordinators sharing nodes
  asio::thread_pool finisher_{1};

  Mutex mutex_;
  CondVar changed_;  // a run ended, or a ping was answered
  ReportBuilder* const builder_ PT_GUARDED_BY(mutex_);
  // By dead mask (node index): the plan, and the stacks it moved.
  std::map<std::vector<bool>, std::unique_ptr<RunPlan>> plans_ GUARDED_BY(mutex_);
  std::map<std::vector<bool>, std::vector<MovedStack>> plan_moves_ GUARDED_BY(mutex_);
  std::vector<bool> dead_ GUARDED_BY(mutex_);
  // "A: y -> x": stacks moved during a run, and placed elsewhere for the
  // runs started while their node was down.
  std::set<std::string> moved_ GUARDED_BY(mutex_);
  std::set<std::string> replaced_ GUARDED_BY(mutex_);
  std::set<size_t> rejoined_ GUARDED_BY(mutex_);  // nodes that answered again
  uint64_t next_ GUARDED_BY(mutex_) = 0;          // the next run's index
  uint64_t active_ GUARDED_BY(mutex_) = 0;
  uint64_t finished_ GUARDED_BY(mutex_) = 0;
  Status fault_ GUARDED_BY(mutex_);  // the first
  // Rejoin: per node, the backoff and when it may be pinged next; pings
  // not answered yet.
  std::vector<std::chrono::milliseconds> retry_ GUARDED_BY(mutex_);
  std::vector<std::chrono::steady_clock::time_point> next_try_ GUARDED_BY(mutex_);
  uint64_t pinging_ GUARDED_BY(mutex_) = 0;
};

}  // namespace cardflow
