#include "coordinator/cluster/run_cluster.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/schedule/step.h"
#include "coordinator/cluster/cluster_run.h"
#include "coordinator/cluster/loopback.h"
#include "coordinator/cluster/node_connections.h"
#include "coordinator/cluster/placement.h"
#include "coordinator/cluster/run_loop.h"

namespace cardflow {

namespace {

Status CheckNodes(const std::vector<NodeAddress>& nodes) {
  if (nodes.empty())
    return InvalidArgumentError("no nodes given (--node NAME=HOST:PORT or --loopback N)");
  std::set<std::string> names;
  for (const NodeAddress& node : nodes) {
    if (node.name.empty() || node.address.empty()) {
      return InvalidArgumentError(
          fmt::format("--node {}={}: expected NAME=HOST:PORT", node.name, node.address));
    }
    if (!names.insert(node.name).second) {
      return InvalidArgumentError(fmt::format("node {} is given twice", node.name));
    }
  }
  return Status::Ok();
}

// A placement as node indices (of `connections`), by StackId: four bytes a
// stack where node names take 32 (a 100,000-stack deck's runs hold it).
using NodeIndices = std::vector<uint32_t>;

// `placement` (node names) as indices into `names`, which holds them all.
NodeIndices IndicesOf(const std::vector<std::string>& placement,
                      const std::vector<std::string>& names) {
  std::unordered_map<std::string_view, uint32_t> index;
  for (size_t n = 0; n < names.size(); ++n) index.emplace(names[n], static_cast<uint32_t>(n));
  NodeIndices out;
  out.reserve(placement.size());
  for (const std::string& node : placement) out.push_back(index.at(node));
  return out;
}

// The placement with every stack of a dead node moved to the live node
// holding the fewest; UNAVAILABLE when no node is alive.
StatusOr<NodeIndices> AvoidDead(const Program& program, const NodeIndices& placement,
                                const NodeConnections& connections, const std::vector<bool>& dead,
                                std::vector<MovedStack>& moved) {
  std::vector<size_t> load(connections.size(), 0);
  for (const uint32_t node : placement) ++load[node];
  std::vector<bool> live(dead.size());
  for (size_t n = 0; n < dead.size(); ++n) live[n] = !dead[n];
  NodeIndices out = placement;
  for (StackId s = 0; s < program.stacks.size(); ++s) {
    const size_t from = placement[s];
    if (!dead[from]) continue;
    const size_t to = LeastLoaded(load, live);
    if (to == connections.size()) {
      return UnavailableError(fmt::format("every node died: no live node is left to run stack {}",
                                          program.stacks[s].name));
    }
    --load[from];
    ++load[to];
    out[s] = static_cast<uint32_t>(to);
    moved.push_back(
        MovedStack{program.stacks[s].name, connections.node(from).name, connections.node(to).name});
  }
  return out;
}

// The names of the stacks `placement` puts on node `node`, in deck order.
std::vector<std::string> StacksOn(const Program& program, const NodeIndices& placement,
                                  size_t node) {
  std::vector<std::string> stacks;
  for (StackId s = 0; s < program.stacks.size(); ++s) {
    if (placement[s] == node) stacks.push_back(program.stacks[s].name);
  }
  return stacks;
}

// The nodes that did not answer the probe (`unreachable`, by node index):
// the runs start with them given up for dead. UNAVAILABLE when no node
// answered: one node's own message, or every node's.
StatusOr<std::vector<bool>> DeadAtStart(const NodeConnections& connections,
                                        const std::vector<Status>& unreachable) {
  std::vector<bool> dead(connections.size(), false);
  std::string why;
  for (size_t n = 0; n < connections.size(); ++n) {
    if (unreachable[n].ok()) continue;
    dead[n] = true;
    why += fmt::format("\n  {}", unreachable[n].message());
  }
  if (std::find(dead.begin(), dead.end(), false) != dead.end()) return dead;
  if (connections.size() == 1) return unreachable[0];
  return UnavailableError(fmt::format("no node is reachable, so no run can start:{}", why));
}

}  // namespace

StatusOr<Report> RunCluster(const Program& program, const ClusterOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<LoopbackCluster> loopback;
  std::vector<NodeAddress> nodes = options.nodes;
  if (options.loopback > 0) {
    auto names = LoopbackNodeNames(program, options.loopback, options.place);
    if (!names.ok()) return names.status();
    auto started = LoopbackCluster::Start(*names, options.loopback_threads, options.loopback_log);
    if (!started.ok()) return started.status();
    loopback = std::move(started).value();
    nodes = loopback->nodes();
  }
  if (Status s = CheckNodes(nodes); !s.ok()) return s;
  std::vector<std::string> names;
  for (const NodeAddress& node : nodes) names.push_back(node.name);
  NodeIndices placement;  // by StackId, into `nodes` (and `connections`)
  {
    auto placed = PlaceStacks(program, names, options.place);
    if (!placed.ok()) return placed.status();
    placement = IndicesOf(*placed, names);
  }

  // Loopback nodes live in this process and speak plaintext.
  NodeConnections connections(nodes, loopback ? LinkSecurity() : options.links, options.observer);
  std::vector<Status> unreachable;
  if (Status s = connections.Probe(options.connect_timeout, &unreachable); !s.ok()) return s;
  auto dead_at_start = DeadAtStart(connections, unreachable);
  if (!dead_at_start.ok()) return dead_at_start.status();
  // The report's placement is where the runs started (DECK.md: the node
  // each stack ran on): the stacks of nodes unreachable at the start are on
  // the live nodes that took them (`moved` says from where). Only then is
  // it another vector than `placement` (a big deck's is MBs of names).
  std::optional<NodeIndices> moved_placement;
  if (std::find(dead_at_start->begin(), dead_at_start->end(), true) != dead_at_start->end()) {
    std::vector<MovedStack> unused;
    auto avoided = AvoidDead(program, placement, connections, *dead_at_start, unused);
    if (!avoided.ok()) return avoided.status();
    moved_placement = std::move(avoided).value();
  }
  const NodeIndices& start_placement = moved_placement ? *moved_placement : placement;
  const StepPlan step_plan(program);
  RecoveryLog recovery_log;
  // The report's placement (a pair of strings per stack) is set once the
  // runs are over: a big deck's runs do not hold it beside their events.
  ReportBuilder builder(program, options.ordering, options.seed, {});
  for (size_t n = 0; n < connections.size(); ++n) {
    if (!(*dead_at_start)[n]) continue;
    recovery_log.NodeUnreachable(connections.node(n).name, std::string(unreachable[n].message()),
                                 StacksOn(program, placement, n));
    builder.AddUnreachable(std::string(unreachable[n].message()));
  }
  RunLoop loop(options, connections, recovery_log, builder, std::move(dead_at_start).value(),
               [&](const std::vector<bool>& dead,
                   std::vector<MovedStack>& moved) -> StatusOr<std::unique_ptr<RunPlan>> {
                 auto avoided = AvoidDead(program, placement, connections, dead, moved);
                 if (!avoided.ok()) return avoided.status();
                 StatusOr<RunPlan> plan =
                     MakeRunPlan(program, step_plan, options, connections, *avoided, &recovery_log);
                 if (!plan.ok()) return plan.status();
                 return std::make_unique<RunPlan>(std::move(*plan));
               });
  const Status fault = loop.Run();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Report report = std::move(builder).Finish(wall);
  report.shuffle = options.shuffle;
  report.placement.reserve(program.stacks.size());  // in deck order, as ReportBuilder orders it
  for (StackId s = 0; s < program.stacks.size(); ++s) {
    report.placement.emplace_back(program.stacks[s].name,
                                  connections.node(start_placement[s]).name);
  }
  if (!fault.ok()) {
    // No run completed: there is no report to show, only the error.
    if (options.partial && report.runs > 0) *options.partial = std::move(report);
    return fault;
  }
  return report;
}

StatusOr<Report> ClusterRunner::Run(const CompiledDeck& deck, const RunSpec& spec, RunSink* sink,
                                    const std::atomic<bool>* stop) {
  ClusterOptions options = where_;
  options.ordering = spec.ordering;
  options.runs = spec.runs;
  options.seed = spec.seed;
  options.shuffle = spec.shuffle;
  options.prefix = spec.prefix;
  options.sink = sink;
  options.stop = stop;
  if (options.shuffle == Shuffle::kNetwork && !options.prefix.empty()) {
    return InvalidArgumentError(
        "--schedule needs --shuffle seeded: under the network shuffle nobody follows a schedule");
  }
  return RunCluster(*deck.program, options);
}

int ClusterExitCode(const Status& status) {
  if (status.ok()) return 0;
  return status.code() == StatusCode::kInvalidArgument ? 2 : 3;
}

}  // namespace cardflow
