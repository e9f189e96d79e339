// NodeService: the gRPC Node service a cardflow-node offers (cardflow.proto),
// on the callback API: every call gets a small reactor that never blocks.
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
  NodeContext& node_;
};

}  // namespace cardflow
