// RunCluster: N runs of a deck on cardflow nodes, folded into the same
// Report a local run gives — with `placement` naming the node of each stack.
//
// Every run assigns the stacks by PlaceStacks; callbacks travel node to node,
// never through the coordinator; the shared variables live in a table here.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "common/deck/program.h"
#include "common/report/report.h"
#include "common/run/runner.h"
#include "common/status/status.h"
#include "coordinator/cluster/cluster_options.h"

namespace cardflow {

// Runs `program` options.runs times on the nodes (or on options.loopback
// in-process nodes). Each node gets only its NodeProgram (the code of its
// stacks and where their channels lead: proto/program_wire.h), once per
// node and placement, then by key; the deck's text is never sent.
//
// A node that does not answer within options.connect_timeout is warned
// about and given up for dead from the start, as if lost in a run: its
// stacks (pinned ones too) run on the live nodes, the report lists it in
// `unreachable` and its stacks in `replaced`, and it takes them back once
// it answers.
//
// Errors, before any run: INVALID_ARGUMENT for bad placement or node lists
// (exit status 2); UNAVAILABLE naming every node, its address and why when
// no node answers (exit status 3). During the runs: UNAVAILABLE /
// DEADLINE_EXCEEDED naming the node when every node is lost, a node
// breaks the protocol or misses options.run_timeout (exit status 3); then
// *options.partial, if set, receives the report of the runs that completed
// before. Run errors in stacks are not errors here: they are counted in the
// report, as locally.
StatusOr<Report> RunCluster(const Program& program, const ClusterOptions& options);

// The Runner of remote placement: RunCluster on the nodes `where` names
// (nodes or loopback, links, --place, observer, timeouts); its run fields
// (ordering, runs, seed, shuffle, prefix, sink, stop) come from each Run.
class ClusterRunner final : public Runner {
 public:
  explicit ClusterRunner(ClusterOptions where) : where_(std::move(where)) {}
  StatusOr<Report> Run(const CompiledDeck& deck, const RunSpec& spec, RunSink* sink,
                       const std::atomic<bool>* stop) override;

 private:
  ClusterOptions where_;
};

// The exit status for a RunCluster error (DECK.md, "Exit status"): 2 for
// bad arguments (INVALID_ARGUMENT), 3 when the cluster could not carry the
// run (anything else).
int ClusterExitCode(const Status& status);

}  // namespace cardflow
