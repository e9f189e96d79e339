// NodeProgram: the part of a deck one node runs under one placement — the
// code of its own stacks and, for every channel with an end among them,
// where the other end lives (issue 17: a node's memory follows its stacks,
// not the deck).
//
// Ids are the node's own: it numbers the stacks it knows densely — its own
// stacks first, then the peers its channels reach — and the channels
// likewise, so that the Engine and RemoteEffects, which index by StackId and
// ChannelId, size their tables to what the node holds. `program.stacks` has
// entries only up to the last stack with code here (a peer costs no
// StackProgram); known() is how many stacks the node knows. The deck's (global) ids are what
// crosses the wire; the node converts at its RPC edge with the maps below.
//
// Recovery gives a node more stacks: Extended() returns a new NodeProgram
// that keeps every local id of the old one and appends what is new, so the
// engines running on the old one go on unchanged.
//
// Plain data, shared read-only once built.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/deck/program.h"

namespace cardflow {

// A node of a run, as the other nodes reach it (its callback endpoint).
struct RunNode {
  std::string name;
  std::string address;
};

struct NodeProgram {
  Program program;  // local ids; stacks: those with code (and any peers numbered among them)
  std::vector<StackId> stack_global;      // by local StackId: the deck's id
  std::vector<ChannelId> channel_global;  // by local ChannelId: the deck's id
  std::vector<uint32_t> stack_node;       // by local StackId: index into `nodes`
  std::vector<RunNode> nodes;             // every node of the run
  uint32_t self = 0;                      // index into `nodes`: this node
  uint32_t shared = 0;       // shared variables in the deck (the table is the coordinator's)
  uint32_t deck_stacks = 0;  // the whole deck's counts
  uint32_t deck_channels = 0;
  // (global, local) sorted by global: the inverse maps.
  std::vector<std::pair<StackId, StackId>> stack_index;
  std::vector<std::pair<ChannelId, ChannelId>> channel_index;

  size_t known() const { return stack_global.size(); }
  // "S12", or "stack id 12" for a peer (its name is not kept).
  std::string StackName(StackId local) const;

  std::optional<StackId> LocalStack(StackId global) const;
  std::optional<ChannelId> LocalChannel(ChannelId global) const;
  // The local ids of the stacks placed on this node, ascending.
  std::vector<StackId> Own() const;
  // Rebuilds stack_index and channel_index from the forward maps.
  void Index();
};

}  // namespace cardflow
