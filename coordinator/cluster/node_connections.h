// NodeConnections: the coordinator's channel and stub to every node, shared
// by all runs, and the reachability check made before any run starts.
//
// Thread-safety: stub() and node() from any thread; Probe from one.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "coordinator/cluster/cluster_options.h"
#include "proto/cardflow.grpc.pb.h"

namespace cardflow {

class NodeConnections {
 public:
  explicit NodeConnections(std::vector<NodeAddress> nodes);

  // Pings every node at once, each with `timeout`. UNAVAILABLE naming the
  // first node (in order) that did not answer and its address;
  // FAILED_PRECONDITION for a node speaking another protocol version.
  Status Probe(std::chrono::milliseconds timeout);

  size_t size() const { return nodes_.size(); }
  const NodeAddress& node(size_t i) const { return nodes_[i]; }
  wire::Node::Stub& stub(size_t i) const { return *stubs_[i]; }
  // The index of the node named `name`, or size().
  size_t Find(const std::string& name) const;

 private:
  std::vector<NodeAddress> nodes_;
  std::vector<std::unique_ptr<wire::Node::Stub>> stubs_;
};

}  // namespace cardflow
