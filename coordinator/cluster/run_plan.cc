#include "coordinator/cluster/run_plan.h"

#include <fmt/format.h>

#include <utility>

#include "proto/program_wire.h"

namespace cardflow {

std::string RunPlan::ProgramBytes(size_t index) const {
  return NodeProgramBytes(*program, stack_participant, nodes, static_cast<uint32_t>(index));
}

StatusOr<RunPlan> MakeRunPlan(const Program& program, const StepPlan& steps,
                              const ClusterOptions& options, const NodeConnections& connections,
                              const std::vector<uint32_t>& placement, RecoveryLog* recovery_log,
                              size_t max_program_bytes) {
  RunPlan plan;
  plan.program = &program;
  plan.steps = &steps;
  plan.shuffle = options.shuffle;
  plan.prefix = options.prefix;
  plan.keep_events = options.sink != nullptr && options.sink->WantsEvents();
  plan.observed.assign(program.stacks.size(), false);
  const auto observe = [&plan](const TermRef& term) {
    if (term.kind == TermRef::Kind::kRegister) plan.observed[term.stack] = true;
  };
  for (const TermRef& term : program.outcome) observe(term);
  for (const Expectation& expect : program.expects) {
    observe(expect.lhs);
    if (expect.rhs_is_term) observe(expect.rhs_term);
  }
  plan.recovery_log = recovery_log;
  plan.ordering = options.ordering;
  plan.connections = &connections;
  plan.run_timeout = options.run_timeout;
  std::vector<bool> holds(connections.size(), false);
  plan.stack_node.reserve(placement.size());
  for (const uint32_t node : placement) {
    plan.stack_node.push_back(node);
    holds[node] = true;
  }
  std::vector<uint32_t> participant(connections.size(), 0);
  for (size_t n = 0; n < connections.size(); ++n) {
    if (!holds[n]) continue;
    participant[n] = static_cast<uint32_t>(plan.participants.size());
    plan.participants.push_back(n);
    std::vector<bool> held(program.stacks.size());
    for (StackId s = 0; s < program.stacks.size(); ++s) held[s] = plan.stack_node[s] == n;
    plan.held.push_back(std::move(held));
    plan.nodes.push_back(RunNode{connections.node(n).name, connections.route_address(n)});
  }
  plan.stack_participant.reserve(program.stacks.size());
  for (StackId s = 0; s < program.stacks.size(); ++s) {
    plan.stack_participant.push_back(participant[plan.stack_node[s]]);
  }
  // Each participant's key, once for every run of the plan; the bytes are
  // built again when sent.
  for (size_t i = 0; i < plan.participants.size(); ++i) {
    const std::string bytes = plan.ProgramBytes(i);
    if (bytes.size() > max_program_bytes) {
      constexpr double kMiB = 1 << 20;
      return InvalidArgumentError(fmt::format(
          "node {} would get {:.1f} MiB ({} bytes) of program for its stacks, over the {:.1f} "
          "MiB ({} bytes) one message can carry: spread the stacks over more nodes (--node, "
          "--place)",
          plan.nodes[i].name, bytes.size() / kMiB, bytes.size(), max_program_bytes / kMiB,
          max_program_bytes));
    }
    plan.program_keys.push_back(ProgramKey(bytes));
  }
  return plan;
}

}  // namespace cardflow
