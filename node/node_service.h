// NodeService: the gRPC Node service a cardflow-node offers (cardflow.proto),
// on the callback API: every call gets a small reactor that never blocks.
// A call without the node's token (NodeContext::gate) gets none: it ends at
// once with UNAUTHENTICATED.
#pragma once

#include <grpcpp/grpcpp.h>

#include "node/node_context.h"
#include "proto/cardflow.grpc.pb.h"

namespace cardflow {

class NodeService final : public wire::Node::CallbackService {
 public:
  explicit NodeService(NodeContext& node) : node_(node) {}

  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* context,
                                 const wire::PingRequest* request, wire::PingReply* reply) override;
  grpc::ServerBidiReactor<wire::RunControl, wire::RunUpdate>* Run(
      grpc::CallbackServerContext* context) override;
  grpc::ServerBidiReactor<wire::CallbackBatch, wire::CallbackAck>* Deliver(
      grpc::CallbackServerContext* context) override;

 private:
  // OK, or why the call may not go on (TokenGate::Check).
  grpc::Status Admit(const grpc::CallbackServerContext& context) const;

  NodeContext& node_;
};

}  // namespace cardflow
