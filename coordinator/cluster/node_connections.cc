#include "coordinator/cluster/node_connections.h"

#include <fmt/format.h>

#include <latch>

#include "proto/channel_settings.h"
#include "proto/protocol.h"

namespace cardflow {

NodeConnections::NodeConnections(std::vector<NodeAddress> nodes, const LinkSecurity& security,
                                 ClusterObserver* observer)
    : nodes_(std::move(nodes)), security_(security), observer_(observer) {
  for (const NodeAddress& node : nodes_) {
    std::shared_ptr<grpc::Channel> channel = MakeChannel(node.address, security_);
    stubs_.push_back(wire::Node::NewStub(channel));
    raw_stubs_.push_back(std::make_unique<grpc::GenericStub>(channel));
    route_addresses_.push_back(node.address);
  }
  MutexLock lock(sent_mutex_);
  sent_.resize(nodes_.size());
}

bool NodeConnections::FirstSend(size_t i, const std::string& key) const {
  MutexLock lock(sent_mutex_);
  return sent_[i].insert(key).second;
}

namespace {

// "0.0.0.0:7000", "[::]:7000", ":7000": a listening address, not one to dial.
bool Dialable(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  const std::string host = address.substr(0, colon);
  return host != "0.0.0.0" && host != "[::]" && host != "::" && host != "[::0]";
}

}  // namespace

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
    std::chrono::steady_clock::time_point sent;
    std::chrono::steady_clock::duration took{};
  };
  std::vector<Ping> pings(nodes_.size());
  std::latch answered(static_cast<std::ptrdiff_t>(nodes_.size()));
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Ping& ping = pings[i];
    ping.context.set_deadline(std::chrono::system_clock::now() + timeout);
    ping.context.set_wait_for_ready(true);  // a node still starting gets `timeout` to come up
    ping.request.set_protocol(kProtocolVersion);
    ping.sent = std::chrono::steady_clock::now();
    stubs_[i]->async()->Ping(&ping.context, &ping.request, &ping.reply,
                             [&ping, &answered](grpc::Status status) {
                               ping.took = std::chrono::steady_clock::now() - ping.sent;
                               ping.status = std::move(status);
                               answered.count_down();
                             });
  }
  answered.wait();  // bounded by the deadlines
  if (observer_) {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      observer_->PingDone(nodes_[i].name, pings[i].took, pings[i].status.ok());
    }
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Ping& ping = pings[i];
    const NodeAddress& node = nodes_[i];
    if (!ping.status.ok()) return Unreachable(i, ping.status, timeout);
    if (Status s = CheckProtocol(ping.reply.protocol(), fmt::format("node {}", node.name));
        !s.ok()) {
      return s;
    }
    const std::string& advertised = ping.reply.advertise();
    route_addresses_[i] = Dialable(advertised) ? advertised : node.address;
  }
  return Status::Ok();
}

bool NodeConnections::Answers(size_t i, std::chrono::milliseconds timeout) const {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  wire::PingRequest request;
  request.set_protocol(kProtocolVersion);
  wire::PingReply reply;
  return stubs_[i]->Ping(&context, request, &reply).ok() &&
         CheckProtocol(reply.protocol(), "PingReply").ok();
}

void NodeConnections::AnswersAsync(size_t i, std::chrono::milliseconds timeout,
                                   std::function<void(bool answered)> done) const {
  struct Call {
    grpc::ClientContext context;
    wire::PingRequest request;
    wire::PingReply reply;
    std::function<void(bool)> done;
  };
  auto call = std::make_shared<Call>();
  call->context.set_deadline(std::chrono::system_clock::now() + timeout);
  call->request.set_protocol(kProtocolVersion);
  call->done = std::move(done);
  stubs_[i]->async()->Ping(
      &call->context, &call->request, &call->reply, [call](const grpc::Status& status) {
        call->done(status.ok() && CheckProtocol(call->reply.protocol(), "PingReply").ok());
      });
}

Status NodeConnections::Unreachable(size_t i, const grpc::Status& status,
                                    std::chrono::milliseconds timeout) {
  const NodeAddress& node = nodes_[i];
  grpc::Status why = status;
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    // Waiting for the node hides why the connection failed (a TLS mismatch
    // fails on every try, like a node still starting). One more ping that
    // does not wait fails at once with the channel's last connection error.
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    wire::PingRequest request;
    request.set_protocol(kProtocolVersion);
    wire::PingReply reply;
    why = stubs_[i]->Ping(&context, request, &reply);
  }
  const bool refused = why.error_code() == grpc::StatusCode::UNAUTHENTICATED;
  const std::string hint = LinkFailureHint(security_, why.error_message(), refused);
  const std::string suffix = hint.empty() ? "" : "; " + hint;
  if (refused) {
    return UnavailableError(fmt::format("node {} at {} refused the coordinator: {}{}", node.name,
                                        node.address, why.error_message(), suffix));
  }
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return UnavailableError(fmt::format("node {} at {} is unreachable: no answer within {} ms{}{}",
                                        node.name, node.address, timeout.count(),
                                        why.ok() ? "" : ": " + why.error_message(), suffix));
  }
  return UnavailableError(fmt::format("node {} at {} is unreachable: {}{}", node.name, node.address,
                                      status.error_message(), suffix));
}

}  // namespace cardflow
