// RunAssignment: what a node is told to run — the domain side of
// wire::Assign, made at the Run stream's edge by ResolveAssign.
#pragma once

#include <cstdint>
#include <memory>

#include "common/deck/node_program.h"
#include "common/deck/program.h"
#include "common/schedule/step.h"
#include "common/status/status.h"
#include "node/program_cache.h"
#include "proto/cardflow.pb.h"

namespace cardflow {

struct RunAssignment {
  uint64_t run_id = 0;
  Ordering ordering = Ordering::kCallbacks;
  Shuffle shuffle = Shuffle::kNetwork;
  uint64_t seed = 0;
  // Null when the assign named a program by key that `programs` has not got.
  std::shared_ptr<const NodeProgram> program;
};

// Checks `assign` (INVALID_ARGUMENT naming what is wrong: no run id, an
// unknown ordering or shuffle, a program that does not parse or whose key
// is not its SHA-256, or one whose ids do not fit — see program_wire.h).
// A program it carries is checked and stored in `programs` under its key;
// one named by key only is looked up there.
StatusOr<RunAssignment> ResolveAssign(const wire::Assign& assign, ProgramCache& programs);

}  // namespace cardflow
