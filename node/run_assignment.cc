#include "node/run_assignment.h"

#include <fmt/format.h>

#include "proto/convert.h"
#include "proto/program_wire.h"

namespace cardflow {

StatusOr<RunAssignment> ResolveAssign(const wire::Assign& assign, ProgramCache& programs) {
  RunAssignment out;
  out.run_id = assign.run_id();
  if (out.run_id == 0) return InvalidArgumentError("assign has no run_id");
  if (assign.ordering() != wire::ORDERING_CALLBACKS && assign.ordering() != wire::ORDERING_NONE) {
    return InvalidArgumentError(fmt::format("assign has unknown ordering {}", assign.ordering()));
  }
  if (assign.shuffle() != wire::SHUFFLE_NETWORK && assign.shuffle() != wire::SHUFFLE_SEEDED) {
    return InvalidArgumentError(fmt::format("assign has unknown shuffle {}", assign.shuffle()));
  }
  out.ordering = FromWire(assign.ordering());
  out.shuffle = FromWire(assign.shuffle());
  out.seed = assign.seed();
  if (assign.program().empty()) {
    if (assign.program_key().empty()) return InvalidArgumentError("assign names no program");
    out.program = programs.Find(assign.program_key());
    return out;  // null: not cached
  }
  const std::string key = ProgramKey(assign.program());
  if (!assign.program_key().empty() && assign.program_key() != key) {
    return InvalidArgumentError("assign's program_key is not the SHA-256 of its program");
  }
  auto program = NodeProgramFromBytes(assign.program());
  if (!program.ok()) return program.status();
  out.program = std::make_shared<const NodeProgram>(std::move(program).value());
  programs.Put(key, out.program);
  return out;
}

}  // namespace cardflow
