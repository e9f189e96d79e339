#include "coordinator/cluster/node_connections.h"

#include <fmt/format.h>

#include <latch>

#include "proto/channel_settings.h"
#include "proto/protocol.h"

namespace cardflow {

NodeConnections::NodeConnections(std::vector<NodeAddress> nodes) : nodes_(std::move(nodes)) {
  for (const NodeAddress& node : nodes_)
    stubs_.push_back(wire::Node::NewStub(MakeChannel(node.address)));
}

size_t NodeConnections::Find(const std::string& name) const {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].name == name) return i;
  }
  return nodes_.size();
}

Status NodeConnections::Probe(std::chrono::milliseconds timeout) {
  struct Ping {
    grpc::ClientContext context;
    wire::PingRequest request;
    wire::PingReply reply;
    grpc::Status status;
  };
  std::vector<Ping> pings(nodes_.size());
  std::latch answered(static_cast<std::ptrdiff_t>(nodes_.size()));
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Ping& ping = pings[i];
    ping.context.set_deadline(std::chrono::system_clock::now() + timeout);
    ping.context.set_wait_for_ready(true);  // a node still starting gets `timeout` to come up
    ping.request.set_protocol(kProtocolVersion);
    stubs_[i]->async()->Ping(&ping.context, &ping.request, &ping.reply,
                             [&ping, &answered](grpc::Status status) {
                               ping.status = std::move(status);
                               answered.count_down();
                             });
  }
  answered.wait();  // bounded by the deadlines
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Ping& ping = pings[i];
    const NodeAddress& node = nodes_[i];
    if (ping.status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      return UnavailableError(fmt::format("node {} at {} is unreachable: no answer within {} ms",
                                          node.name, node.address, timeout.count()));
    }
    if (!ping.status.ok()) {
      return UnavailableError(fmt::format("node {} at {} is unreachable: {}", node.name,
                                          node.address, ping.status.error_message()));
    }
    if (Status s = CheckProtocol(ping.reply.protocol(), fmt::format("node {}", node.name));
        !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

}  // namespace cardflow
