// ClusterObserver: what the RPCs of a RunCluster call tell whoever watches
// them — the coordinator's Prometheus metrics (coordinator_metrics.h) — about
// their latency, per node. Passed in ClusterOptions::observer; the cluster
// code calls it and never knows what is behind it.
//
// Thread-safety: the methods are called from gRPC threads and the calling
// thread, concurrently; implementations must be thread-safe and cheap (they
// run on the RPC path).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace cardflow {

class ClusterObserver {
 public:
  virtual ~ClusterObserver() = default;

  // The Ping that checks `node` before the runs ended after `elapsed`: it
  // answered (`ok`) or failed or timed out.
  virtual void PingDone(const std::string& node, std::chrono::nanoseconds elapsed, bool ok) = 0;

  // A message from `node` carrying `requests` table requests was served in
  // `elapsed`: from the coordinator reading it to every reply being queued
  // on the Run call (the service time of the shared table, lock waits
  // included; the network is not).
  virtual void TableServed(const std::string& node, size_t requests,
                           std::chrono::nanoseconds elapsed) = 0;

  // The Run call of one run to `node` ended after `elapsed` (from its start
  // to its end, whatever the status): the node's part of the run.
  virtual void RunCallDone(const std::string& node, std::chrono::nanoseconds elapsed, bool ok) = 0;
};

}  // namespace cardflow
