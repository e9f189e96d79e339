// ClusterRun: one run of a deck across nodes, driven by the coordinator.
//
// For every node that holds stacks it opens a Run call and assigns the
// run; once every node is ready it starts them all; it serves their table
// requests from the run's RunTable; it collects each node's events (which
// the nodes stream in batches while the run goes on: kept as they come, in
// one vector reserved for the most the run can record) and final
// registers; then it closes the calls and folds everything into a
// RunResult: the outcome through OutcomeValues/ExpectationsHold, the events
// sorted by (lamport, stack) and checked by VerifyRun — as a local run is.
//
// Who orders the steps (RunPlan::shuffle):
//   - network: nobody. The nodes take their steps as their stacks reach
//     them, the RunTable answers reads and writes as they come, and the
//     run's schedule is read back from its events afterwards.
//   - seeded: the coordinator runs the SeededScheduler a local run uses
//     (common/schedule/seeded_scheduler.h), with the run's seed. Every
//     visible step of every node waits for its Grant; a callback still
//     travels node to node, and its receiver's node reports it and holds it
//     until the scheduler takes its arrival step. The scheduler executes
//     the table operations and records the events in schedule order, so a
//     seed gives the schedule, outcome and events it gives locally.
//
// However it ended, the run becomes a RunResult through FoldRun
// (common/run/fold_run.h), as a local run does. A run error in a stack ends
// the run as a RunResult with `error`, like locally.
//
// Recovery: when a node's Run call breaks (it died, was killed, shut down,
// or stopped answering keepalives), its stacks move to the live node of the
// run holding the fewest, start over there from their first card, and every
// live node is told the new routes (wire::Reroute). The RunTable answers
// their table operations from its history and the senders send their
// callbacks again, so the run ends with the outcome an undisturbed run
// gives. The dead node's events are dropped, the batches it streamed before
// it died too: the replay records them anew.
// In ordering `none` an await's take-or-go-on decision is recorded in the
// table as well (TABLE_AWAIT), so a replay decides the same way. Seeded,
// the scheduler's history plays that part: a moved stack's requests for
// steps already taken get the grants they got, callbacks already taken in
// are taken in again at once, and the schedule goes on from where it was —
// the run ends as the same seed ends it locally.
//
// A node that rejects the run, sends what it should not, or misses the
// deadline, or a death with no live node left, ends the run with a fault: a
// Status naming the node; the cluster could not carry the run.
#pragma once

#include <asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/mutex.h"
#include "common/deck/node_program.h"
#include "common/deck/program.h"
#include "common/report/run_result.h"
#include "common/schedule/step.h"
#include "common/status/status.h"
#include "coordinator/cluster/node_connections.h"
#include "coordinator/cluster/run_call.h"
#include "coordinator/cluster/run_plan.h"

namespace cardflow {

// Says once per node death what recovery does, however many runs were in
// flight on the node: each of them recovers on its own, and only the first
// to give the node up warns (the others log at debug level). Thread-safe.
class RecoveryLog {
 public:
  // A run gave `node` up for dead and moved `stacks` to `to`; `why` names
  // the node, its address and the run that noticed. Warns the first time
  // since the node was last seen alive.
  void NodeLost(const std::string& node, const std::string& why,
                const std::vector<std::string>& stacks, const std::string& to);
  // `node` did not answer before the runs started (`why`, the probe's
  // UNAVAILABLE message): warns that the runs start without it and that
  // `stacks`, its stacks, run on the live nodes until it answers.
  void NodeUnreachable(const std::string& node, const std::string& why,
                       const std::vector<std::string>& stacks);
  // `node` answers again (logged at info): its next death warns again.
  void NodeBack(const std::string& node);

 private:
  Mutex mutex_;
  std::set<std::string> lost_ GUARDED_BY(mutex_);
};

// A stack recovery moved from a dead node to a live one.
struct MovedStack {
  std::string stack;
  std::string from;  // node names
  std::string to;
};

struct ClusterRunResult {
  RunResult result;  // meaningful when fault is OK
  Status fault;      // not OK: the cluster could not carry the run
  std::vector<MovedStack> moved;
  std::vector<size_t> dead;  // node indices given up for dead during the run
};

// Starts one run. `done` is called exactly once, on `executor`, with its
// result, after every call of the run has ended. The run talks to its nodes
// through the calls `open` makes (run_call.h); when empty, NodeCalls on
// `plan.connections`' channels.
void LaunchClusterRun(const RunPlan& plan, uint64_t run_id, uint64_t seed,
                      asio::any_io_executor executor, std::function<void(ClusterRunResult)> done,
                      const RunCallFactory& open = {});

}  // namespace cardflow
