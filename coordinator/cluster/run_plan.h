// RunPlan: what every run of one RunCluster call shares — where each stack
// runs, which nodes take part, and what each of them is sent.
//
// Memory: a plan holds a few bytes per stack (the node index of each, and a
// bit per stack and participant), never a node's program: each
// participant's NodeProgram (proto/program_wire.h) is built when it is sent
// (ProgramBytes) and dropped once on the wire; only its SHA-256, the key
// every Assign carries, stays. So a plan of a 100,000-stack deck on 16
// nodes is about 1 MB, not the programs' tens of MB.
//
// Thread-safety: immutable once built; every method is const and may be
// called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/deck/limits.h"
#include "common/deck/node_program.h"
#include "common/deck/program.h"
#include "common/schedule/step.h"
#include "coordinator/cluster/cluster_options.h"
#include "coordinator/cluster/node_connections.h"

namespace cardflow {

class RecoveryLog;

// Must outlive its runs.
struct RunPlan {
  const Program* program = nullptr;
  // Per participant: the SHA-256 of its NodeProgram's wire bytes. An Assign
  // carries the key, and the bytes (ProgramBytes) only the first time the
  // node is sent them (NodeConnections::FirstSend) or when it says it has
  // not got them (RunUpdate.missing_program).
  std::vector<std::string> program_keys;
  std::vector<RunNode> nodes;  // the participants, as the NodePrograms list them
  Ordering ordering = Ordering::kCallbacks;
  const NodeConnections* connections = nullptr;
  std::vector<size_t> stack_node;           // node index of each stack
  std::vector<uint32_t> stack_participant;  // participant (index into nodes) of each stack
  std::vector<size_t> participants;         // node indices holding stacks, ascending
  std::vector<std::vector<bool>> held;      // per participant: which stacks it holds
  std::chrono::milliseconds run_timeout{0};
  Shuffle shuffle = Shuffle::kNetwork;
  const StepPlan* steps = nullptr;  // the program's
  Schedule prefix;                  // seeded: every run takes it first (run --schedule)
  // Whether a run's result keeps its events (the sink draws them or prints
  // their print lines); else they are dropped once folded (a 100,000-stack
  // run's are ~20 MB).
  bool keep_events = false;
  // By StackId: whether an outcome or expect term reads the stack's
  // registers (the others' final registers are not kept).
  std::vector<bool> observed;
  RecoveryLog* recovery_log = nullptr;  // may be null: every recovery then warns

  // The wire bytes of participant `index`'s NodeProgram, built anew on each
  // call (the same bytes every time: their SHA-256 is program_keys[index]).
  std::string ProgramBytes(size_t index) const;
};

// The plan of running `program` with stack s on node placement[s] (an
// index of `connections`; 4 bytes a stack, not a name: a big deck's plans
// are made from it). INVALID_ARGUMENT, naming the node and the sizes, when
// a node's program would be over `max_program_bytes` (it could not be sent
// in one message).
StatusOr<RunPlan> MakeRunPlan(const Program& program, const StepPlan& steps,
                              const ClusterOptions& options, const NodeConnections& connections,
                              const std::vector<uint32_t>& placement, RecoveryLog* recovery_log,
                              size_t max_program_bytes = kMaxNodeProgramBytes);

}  // namespace cardflow
