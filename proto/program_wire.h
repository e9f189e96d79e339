// The NodeProgram on the wire (wire::NodeProgram, cardflow.proto): built by
// the coordinator from the whole Program for one node of a placement, and
// turned back into a NodeProgram (common/deck/node_program.h) by the node,
// which checks every id in it. Ids on the wire are the deck's; the node's
// NodeProgram numbers what it holds densely.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/deck/node_program.h"
#include "common/deck/program.h"
#include "common/run/run_messages.h"
#include "common/status/status.h"
#include "proto/cardflow.pb.h"

namespace cardflow {

// The program of node `self` when stack s runs on nodes[stack_node[s]]:
// the code of its stacks (ascending StackId), then the peers its channels
// reach, then every channel with an end among its stacks. Deterministic:
// the same arguments give the same bytes, hence the same ProgramKey.
wire::NodeProgram NodeProgramToWire(const Program& program, const std::vector<uint32_t>& stack_node,
                                    const std::vector<RunNode>& nodes, uint32_t self);

// NodeProgramToWire's message serialized, the same bytes, built a stack at
// a time: the message of a big deck (several times the size of its bytes)
// never exists whole.
std::string NodeProgramBytes(const Program& program, const std::vector<uint32_t>& stack_node,
                             const std::vector<RunNode>& nodes, uint32_t self);

// For a Reroute: `adopted` (stacks now on node `self`) with their code, and
// the channels and peers they bring, as placed by `stack_node`.
wire::NodeProgram AdoptedToWire(const Program& program, const std::vector<uint32_t>& stack_node,
                                const std::vector<RunNode>& nodes, uint32_t self,
                                const std::vector<StackId>& adopted);

// SHA-256 of `bytes` (32 raw bytes): Assign.program_key.
std::string ProgramKey(std::string_view bytes);

// The node's side: checks `wire` whole (INVALID_ARGUMENT naming the first
// thing wrong: an id out of range, a card whose channel does not join its
// stack and peer, code for a stack of another node, no stack for this node)
// and numbers what it holds.
StatusOr<NodeProgram> NodeProgramFromWire(const wire::NodeProgram& wire);
// The same, of the message's bytes (Assign.program), parsed one stack and
// one channel at a time: the parsed message of a big program, several times
// the size of its bytes, never exists whole (it set a node's peak memory).
// INVALID_ARGUMENT "node program: malformed bytes" when `bytes` are not a
// NodeProgram. Same result, same errors as NodeProgramFromWire of the
// parsed message.
StatusOr<NodeProgram> NodeProgramFromBytes(std::string_view bytes);

// `base` plus `adopted` (a Reroute's): local ids of `base` are kept, new
// stacks and channels appended, peers that become this node's get their
// code. Checked as NodeProgramFromWire checks; `adopted` must describe the
// same run (nodes, self, deck counts).
StatusOr<NodeProgram> ExtendNodeProgram(const NodeProgram& base, const wire::NodeProgram& adopted);

// A Reroute on the wire and back (the NodeProgram part is what makes these
// live here rather than in proto/convert.h). FromWire checks the message
// whole against `base`, the receiving run's program now (ExtendNodeProgram).
void ToWire(const msg::Reroute& reroute, wire::Reroute* out);
StatusOr<msg::RerouteAtNode> FromWire(const wire::Reroute& reroute, const NodeProgram& base);

}  // namespace cardflow
