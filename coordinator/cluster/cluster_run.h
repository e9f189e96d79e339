// ClusterRun: one run of a deck across nodes, driven by the coordinator.
//
// For every node that holds stacks it opens a Run call and assigns the
// run; once every node is ready it starts them all; it serves their table
// requests from the run's RunTable; it collects each node's events and
// final registers; then it closes the calls and folds everything into a
// RunResult: the outcome through OutcomeValues/ExpectationsHold, the events
// sorted by (lamport, stack) and checked by VerifyRun — as a local run is.
//
// A run error in a stack ends the run as a RunResult with `error`, like
// locally.
//
// Recovery: when a node's Run call breaks (it died, was killed, shut down,
// or stopped answering keepalives), its stacks move to the live node of the
// run holding the fewest, start over there from their first card, and every
// live node is told the new routes (wire::Reroute). The RunTable answers
// their table operations from its history and the senders send their
// callbacks again, so the run ends with the outcome an undisturbed run
// gives. The dead node's events are dropped: the replay records them anew.
// In ordering `none` an await's take-or-go-on decision is recorded in the
// table as well (TABLE_AWAIT), so a replay decides the same way.
//
// A node that rejects the run, sends what it should not, or misses the
// deadline, or a death with no live node left, ends the run with a fault: a
// Status naming the node; the cluster could not carry the run.
#pragma once

#include <asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/deck/program.h"
#include "common/report/run_result.h"
#include "common/status/status.h"
#include "coordinator/cluster/node_connections.h"

namespace cardflow {

// What every run of one RunCluster call shares. Must outlive its runs.
struct RunPlan {
  const Program* program = nullptr;
  std::string deck_text;
  Ordering ordering = Ordering::kCallbacks;
  const NodeConnections* connections = nullptr;
  std::vector<size_t> stack_node;       // node index of each stack
  std::vector<size_t> participants;     // node indices holding stacks, ascending
  std::vector<std::vector<bool>> held;  // per participant: which stacks it holds
  std::chrono::milliseconds run_timeout{0};
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
// result, after every call of the run has ended.
void LaunchClusterRun(const RunPlan& plan, uint64_t run_id, uint64_t seed,
                      asio::any_io_executor executor, std::function<void(ClusterRunResult)> done);

// "stack B, card 3 `div b 0` (line 12): division by zero" — the same words a
// local run uses for a run error.
std::string DescribeRunError(const Program& program, StackId stack, uint32_t pc,
                             const std::string& what);

}  // namespace cardflow
