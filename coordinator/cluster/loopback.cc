#include "coordinator/cluster/loopback.h"

#include "node/node_server.h"

namespace cardflow {

StatusOr<std::unique_ptr<LoopbackCluster>> LoopbackCluster::Start(
    const std::vector<std::string>& names, int threads, const LogOptions& log) {
  std::unique_ptr<LoopbackCluster> cluster(new LoopbackCluster());
  for (const std::string& name : names) {
    NodeOptions options;
    options.name = name;
    options.listen = "127.0.0.1:0";
    options.threads = threads;
    options.log_level = log.level;
    options.log_format = log.format;
    options.drain_grace = std::chrono::milliseconds(0);  // the coordinator is done with them
    auto server = std::make_unique<NodeServer>(std::move(options));
    StatusOr<std::string> address = server->Start();
    if (!address.ok()) return address.status();
    cluster->nodes_.push_back(NodeAddress{name, *address});
    cluster->servers_.push_back(std::move(server));
  }
  return cluster;
}

LoopbackCluster::~LoopbackCluster() {
  for (auto& server : servers_) server->Stop();
}

}  // namespace cardflow
