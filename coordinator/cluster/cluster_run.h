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
// locally. A node that vanishes, breaks a peer stream, shuts down, rejects
// the run or misses the deadline ends it with a fault instead: a Status
// naming the node, and the cluster could not carry the run.
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

struct ClusterRunResult {
  RunResult result;  // meaningful when fault is OK
  Status fault;      // not OK: the cluster could not carry the run
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
