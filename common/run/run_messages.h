// The messages of one remote run between the coordinator and its nodes, as
// domain types (namespace msg). Everything above the RPC edge — the node's
// NodeRun, the coordinator's ClusterRun and RunTable — speaks these; the
// wire messages of proto/cardflow.proto (namespace wire) exist only at the
// edge, and proto/convert.h is the one place that turns one into the other
// (FromWire checks what a well-formed wire message must be: a known op, for
// instance; what a message means for the run is checked by its receiver).
//
// Ids are the deck's (StackId, ChannelId, VarId of common/deck/program.h),
// never a node's local ids. Plain values: copy and move freely.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/deck/node_program.h"
#include "common/deck/program.h"
#include "common/events/event.h"
#include "common/schedule/step.h"

namespace cardflow::msg {

// A node's part in one run (coordinator -> node, the first message).
struct Assign {
  uint64_t run_id = 0;
  std::string deck_name;
  Ordering ordering = Ordering::kCallbacks;
  uint64_t seed = 0;  // network shuffle: informational; seeded: the coordinator's
  Shuffle shuffle = Shuffle::kNetwork;
  std::string program_key;  // SHA-256 of the program's bytes (proto/program_wire.h)
  // The node's serialized program (proto/program_wire.h); empty when the
  // node should have it cached under `program_key`.
  std::string program;
};

// What a stack asks the coordinator for (node -> coordinator).
enum class TableOp : uint8_t {
  kRead,   // a read of `var`
  kWrite,  // a write of `value` to `var`
  // Whether the await at `pc` takes the callback at the head of the inbox
  // of channel `var` (`value` 1: there was one) or goes on without: asked in
  // ordering none, and in both orderings under the seeded shuffle.
  kAwait,
  kNotify,  // seeded shuffle: a notify of `value` on channel `var`
  kPrint,   // seeded shuffle: a print of `value`
  kEnd,     // seeded shuffle: the stack ran its last card (`pc` is its card count)
};
// "read", "write", "await", "notify", "print", "end".
inline const char* TableOpName(TableOp op) {
  static constexpr const char* kNames[] = {"read", "write", "await", "notify", "print", "end"};
  return kNames[static_cast<int>(op)];
}

struct TableRequest {
  StackId stack = 0;
  uint32_t pc = 0;  // the card asking
  TableOp op = TableOp::kRead;
  uint32_t var = 0;  // a VarId; a ChannelId for kAwait and kNotify
  int64_t value = 0;
  uint64_t lamport = 0;  // the stack's clock when it asked
};

// The table's answer to a read, write or (ordering none) await request.
struct TableReply {
  StackId stack = 0;
  uint32_t pc = 0;
  int64_t value = 0;  // read: the value; await: 1 take the callback, 0 go on without
  uint64_t lamport = 0;
};

// Seeded shuffle: the go-ahead for one step (coordinator -> node).
struct StepGrant {
  StackId stack = 0;
  uint32_t pc = 0;    // the card asked for (TableRequest::pc)
  int64_t value = 0;  // read: the value read; await: 1 take the callback, 0 go on without
  // Instead of the above: the oldest held callback of `channel` goes into
  // its receiver's inbox.
  bool take_in = false;
  ChannelId channel = 0;
};

// One callback, node to node (the run is named beside it).
struct Callback {
  ChannelId channel = 0;
  uint64_t seq = 0;  // 1-based number on the channel
  int64_t value = 0;
  uint64_t lamport = 0;
};

// Seeded shuffle: callback `seq` of `channel` is at its receiver's node.
struct Arrival {
  ChannelId channel = 0;
  uint64_t seq = 0;
};

// A stack's registers when the run ended (aligned with its registers).
struct StackResult {
  StackId stack = 0;
  std::vector<int64_t> registers;
};

// A run error in a stack: card `pc` failed with `what`.
struct StackFailure {
  StackId stack = 0;
  uint32_t pc = 0;
  std::string what;
};

// A node cannot carry the run: which node (name and address) and why.
struct NodeFault {
  std::string node;
  std::string address;
  std::string message;
};

// Recovery: `stack` runs on node `node` (an index into the run's nodes) now.
struct Move {
  StackId stack = 0;
  uint32_t node = 0;
};

// Recovery, coordinator -> node: the stacks of a dead node and where they
// run now; the node they go to also gets their code.
struct Reroute {
  std::vector<Move> moves;
  // For the node the stacks go to: which stacks it adopts, taken from
  // `program` (the whole deck) and placed by `placement` (by StackId: an
  // index into `nodes`, the run's nodes; `self` is the receiving node's).
  // Unset for the other nodes. The pointers must outlive the send.
  struct Adopted {
    const Program* program = nullptr;
    std::vector<uint32_t> placement;
    const std::vector<RunNode>* nodes = nullptr;
    uint32_t self = 0;
    std::vector<StackId> stacks;
  };
  std::optional<Adopted> adopted;
};

// The same message as the node takes it: `grown` is its program as it was
// (`base`, NodeRun::program() when the message came) plus the adopted code
// (null when none came), already checked whole.
struct RerouteAtNode {
  std::vector<Move> moves;
  const NodeProgram* base = nullptr;
  std::shared_ptr<const NodeProgram> grown;
};

// What a node tells the coordinator about a run, in one message.
struct RunUpdate {
  bool ready = false;            // assigned and compiled; waits for start
  bool missing_program = false;  // the assign's program key is not cached: send it
  std::vector<TableRequest> table;
  std::vector<Event> events;  // network shuffle: recorded events, in order
  std::vector<StackResult> results;
  bool done = false;  // every stack held there ended; `results` are theirs
  std::optional<StackFailure> failure;
  std::optional<NodeFault> fault;
  std::vector<Arrival> arrived;  // seeded shuffle only
};

}  // namespace cardflow::msg
