#include "coordinator/cluster/node_connections.h"

#include <fmt/format.h>

#include <functional>
#include <latch>

#include "common/base/tsan_edges.h"
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

// Whether a call failed because nothing listens at the address: the
// connection was refused, which waiting does not change.
bool ConnectionRefused(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE &&
         status.error_message().find("Connection refused") != std::string::npos;
}

// The node at `node.address` answered a Ping as `name`: it must be the node
// the command line names there, or its stacks would run on another node
// than the report says (a --node flag with a wrong address, say).
Status CheckName(const NodeAddress& node, const std::string& name) {
  if (name == node.name) return Status::Ok();
  return InvalidArgumentError(
      fmt::format("the node at {} calls itself {}, not {}: --node {}={} names another node (its "
                  "cardflow-node --name); give --node {}={} or the address of node {}",
                  node.address, name.empty() ? "nothing" : name, node.name, node.name, node.address,
                  name.empty() ? "NAME" : name, node.address, node.name));
}

// How to start the node the coordinator found nothing listening for: on
// this machine at the very address; elsewhere on every interface of its
// host, at the port.
std::string StartNodeHint(const NodeAddress& node) {
  const size_t colon = node.address.rfind(':');
  const std::string host = colon == std::string::npos ? "" : node.address.substr(0, colon);
  const bool here = host == "localhost" || host.rfind("127.", 0) == 0 || host == "[::1]";
  if (here || colon == std::string::npos) {
    return fmt::format("start one with `cardflow-node --name {} --listen {}`", node.name,
                       node.address);
  }
  return fmt::format("start one on {} with `cardflow-node --name {} --listen {}`", host, node.name,
                     node.address.substr(colon));
}

}  // namespace

size_t NodeConnections::Find(const std::string& name) const {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].name == name) return i;
  }
  return nodes_.size();
}

Status NodeConnections::Probe(std::chrono::milliseconds timeout, std::vector<Status>* unreachable) {
  // Each node gets one ping that does not wait for a connection: it fails
  // at once when the first attempt to connect fails. A refused connection
  // (nothing listens there) is final; any other failure (a name that does
  // not resolve yet, a handshake) gets a second ping that waits for the
  // node until the deadline, so a node still coming up is waited for.
  struct Ping {
    grpc::ClientContext first;   // the ping that does not wait
    grpc::ClientContext second;  // the one that does, if any
    wire::PingRequest request;
    wire::PingReply reply;
    grpc::Status status;
    std::chrono::system_clock::time_point deadline;
    std::chrono::steady_clock::time_point sent;
    std::chrono::steady_clock::duration took{};
  };
  std::vector<Ping> pings(nodes_.size());
  std::latch answered(static_cast<std::ptrdiff_t>(nodes_.size()));
  // Sends ping i in `context`; `done` is called once with its status, on a
  // gRPC thread.
  const auto send = [this, &pings](size_t i, grpc::ClientContext& context, bool wait_for_ready,
                                   std::function<void(grpc::Status)> done) {
    Ping& ping = pings[i];
    context.set_deadline(ping.deadline);
    context.set_wait_for_ready(wait_for_ready);
    HappensBefore(&ping);  // the callback runs on a gRPC thread
    stubs_[i]->async()->Ping(&context, &ping.request, &ping.reply,
                             [&ping, done = std::move(done)](grpc::Status status) {
                               HappensAfter(&ping);
                               done(std::move(status));
                             });
  };
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Ping& ping = pings[i];
    ping.deadline = std::chrono::system_clock::now() + timeout;
    ping.request.set_protocol(kProtocolVersion);
    ping.sent = std::chrono::steady_clock::now();
    const auto finish = [&ping, &answered](grpc::Status status) {
      ping.took = std::chrono::steady_clock::now() - ping.sent;
      ping.status = std::move(status);
      answered.count_down();
    };
    send(i, ping.first, /*wait_for_ready=*/false, [i, &ping, &send, finish](grpc::Status status) {
      if (status.ok() || status.error_code() != grpc::StatusCode::UNAVAILABLE ||
          ConnectionRefused(status)) {
        finish(std::move(status));
        return;
      }
      send(i, ping.second, /*wait_for_ready=*/true, finish);  // starts a call; never blocks
    });
  }
  answered.wait();  // bounded by the deadlines
  if (observer_) {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      observer_->PingDone(nodes_[i].name, pings[i].took, pings[i].status.ok());
    }
  }
  unreachable->assign(nodes_.size(), Status::Ok());
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Ping& ping = pings[i];
    const NodeAddress& node = nodes_[i];
    if (!ping.status.ok()) {
      // A node that answers and refuses the coordinator's token is
      // reachable and misconfigured, like one answering to another name:
      // running without it would hide that.
      if (ping.status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
        return Unreachable(i, ping.status, timeout);
      }
      (*unreachable)[i] = Unreachable(i, ping.status, timeout);
      continue;
    }
    if (Status s = CheckProtocol(ping.reply.protocol(), fmt::format("node {}", node.name));
        !s.ok()) {
      return s;
    }
    if (Status s = CheckName(node, ping.reply.name()); !s.ok()) return s;
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
         CheckProtocol(reply.protocol(), "PingReply").ok() && reply.name() == nodes_[i].name;
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
  HappensBefore(call.get());  // the callback runs on a gRPC thread
  stubs_[i]->async()->Ping(&call->context, &call->request, &call->reply,
                           [call, &name = nodes_[i].name](const grpc::Status& status) {
                             HappensAfter(call.get());
                             call->done(status.ok() &&
                                        CheckProtocol(call->reply.protocol(), "PingReply").ok() &&
                                        call->reply.name() == name);
                           });
}

Status NodeConnections::Unreachable(size_t i, const grpc::Status& status,
                                    std::chrono::milliseconds timeout) {
  const NodeAddress& node = nodes_[i];
  if (ConnectionRefused(status)) {
    return UnavailableError(
        fmt::format("node {} at {} is unreachable: nothing listens there "
                    "(connection refused); {}",
                    node.name, node.address, StartNodeHint(node)));
  }
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
