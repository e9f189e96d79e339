// NodeConnections: the coordinator's channel and stub to every node, shared
// by all runs, and the reachability check made before any run starts.
//
// Thread-safety: stub() and node() from any thread; Probe from one.
#pragma once

#include <grpcpp/generic/generic_stub.h>

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/base/mutex.h"
#include "common/status/status.h"
#include "coordinator/cluster/cluster_observer.h"
#include "coordinator/cluster/cluster_options.h"
#include "proto/cardflow.grpc.pb.h"
#include "proto/link_security.h"

namespace cardflow {

class NodeConnections {
 public:
  // Channels secured as `security` says (TLS or plaintext, the token).
  // `observer` (may be null; must outlive this) is told each Ping's latency
  // and handed to the runs' calls (observer()).
  NodeConnections(std::vector<NodeAddress> nodes, const LinkSecurity& security,
                  ClusterObserver* observer = nullptr);

  // Pings every node at once, each with `timeout`. (*unreachable)[i] is OK
  // for a node that answered, else UNAVAILABLE naming node i, its address
  // and why it did not answer — with a hint when the two ends seem to
  // disagree on TLS. Fails, whatever the other nodes said, for a node that
  // answers but refuses the coordinator's token (UNAVAILABLE, "refused the
  // coordinator"), is not the one named there (INVALID_ARGUMENT) or speaks
  // another protocol version (FAILED_PRECONDITION).
  Status Probe(std::chrono::milliseconds timeout, std::vector<Status>* unreachable);

  // One ping of node i that does not wait for a connection: whether it
  // answers within `timeout` (a node that died and came back, say).
  bool Answers(size_t i, std::chrono::milliseconds timeout) const;
  // The same without waiting: `done(answered)` is called once, on a gRPC
  // thread, within about `timeout`. This object must outlive the call.
  void AnswersAsync(size_t i, std::chrono::milliseconds timeout,
                    std::function<void(bool answered)> done) const;

  size_t size() const { return nodes_.size(); }
  const NodeAddress& node(size_t i) const { return nodes_[i]; }
  wire::Node::Stub& stub(size_t i) const { return *stubs_[i]; }
  // The same channel for calls whose messages we parse ourselves (NodeCall).
  grpc::GenericStub& raw_stub(size_t i) const { return *raw_stubs_[i]; }
  // Where other nodes send node i's callbacks: the address it advertised in
  // the last Probe (a proxy link or a NAT address, say) unless that is a
  // wildcard like 0.0.0.0:7000; else the address we reach it at.
  const std::string& route_address(size_t i) const { return route_addresses_[i]; }
  // The index of the node named `name`, or size().
  size_t Find(const std::string& name) const;
  ClusterObserver* observer() const { return observer_; }
  // Whether node i is sent the program `key` names for the first time by
  // this coordinator (true once per node and key): the Assign then carries
  // the program itself, else only its key.
  bool FirstSend(size_t i, const std::string& key) const EXCLUDES(sent_mutex_);

 private:
  // Why node i did not answer a ping that failed with `status`.
  Status Unreachable(size_t i, const grpc::Status& status, std::chrono::milliseconds timeout);

  std::vector<NodeAddress> nodes_;
  LinkSecurity security_;
  std::vector<std::unique_ptr<wire::Node::Stub>> stubs_;
  std::vector<std::unique_ptr<grpc::GenericStub>> raw_stubs_;
  std::vector<std::string> route_addresses_;  // written by Probe only
  ClusterObserver* const observer_;
  mutable Mutex sent_mutex_;
  // Per node: the program keys sent to it.
  mutable std::vector<std::set<std::string>> sent_ GUARDED_BY(sent_mutex_);
};

}  // namespace cardflow
