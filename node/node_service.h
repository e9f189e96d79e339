// NodeService: the gRPC Node service a cardflow-node offers (cardflow.proto),
// on the callback API: every call gets a small reactor that never blocks.
// A call without the node's token (NodeContext::gate) gets none: it ends at
// once with UNAUTHENTICATED.
//
// The methods are served raw (bytes, parsed by proto/raw_message.h) so that
// a message that is not a valid protobuf ends its call with INVALID_ARGUMENT
// saying so: on the typed API gRPC reports it as a half-close (stream ends
// OK) or as UNIMPLEMENTED (Ping).
#pragma once

#include <grpcpp/grpcpp.h>

#include "node/node_context.h"
#include "proto/cardflow.grpc.pb.h"

namespace cardflow {

// wire::Node with every method on the callback API, as raw bytes.
using RawNodeService = wire::Node::WithRawCallbackMethod_Ping<wire::Node::WithRawCallbackMethod_Run<
    wire::Node::WithRawCallbackMethod_Deliver<wire::Node::Service>>>;

class NodeService final : public RawNodeService {
 public:
  explicit NodeService(NodeContext& node) : node_(node) {}

  // PingRequest -> PingReply.
  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* context,
                                 const grpc::ByteBuffer* request, grpc::ByteBuffer* reply) override;
  // RunControl* -> RunUpdate* (RunStream).
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* Run(
      grpc::CallbackServerContext* context) override;
  // CallbackBatch* -> CallbackAck* (DeliverStream).
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* Deliver(
      grpc::CallbackServerContext* context) override;

 private:
  // OK, or why the call may not go on (TokenGate::Check).
  grpc::Status Admit(const grpc::CallbackServerContext& context) const;

  NodeContext& node_;
};

}  // namespace cardflow
