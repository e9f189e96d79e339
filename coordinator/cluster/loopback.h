// LoopbackCluster: nodes started inside this process on 127.0.0.1 with
// ephemeral ports — a cluster with no setup, for `--loopback N`, the demo and
// tests. They talk real gRPC over loopback TCP, exactly like separate
// processes would. Stops them when destroyed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/logging/logger.h"
#include "common/status/status.h"
#include "coordinator/cluster/cluster_options.h"

namespace cardflow {

class NodeServer;

class LoopbackCluster {
 public:
  // Starts one node per name, each with `threads` worker threads, logging
  // as `log` says. UNAVAILABLE if one cannot listen.
  static StatusOr<std::unique_ptr<LoopbackCluster>> Start(const std::vector<std::string>& names,
                                                          int threads, const LogOptions& log);
  ~LoopbackCluster();
  LoopbackCluster(const LoopbackCluster&) = delete;
  LoopbackCluster& operator=(const LoopbackCluster&) = delete;

  // The nodes as `--node NAME=ADDRESS` would name them, in `names` order.
  const std::vector<NodeAddress>& nodes() const { return nodes_; }

 private:
  LoopbackCluster() = default;
  std::vector<std::unique_ptr<NodeServer>> servers_;
  std::vector<NodeAddress> nodes_;
};

}  // namespace cardflow
