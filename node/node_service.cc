#include "node/node_service.h"

#include "node/deliver_stream.h"
#include "node/run_stream.h"
#include "proto/grpc_status.h"
#include "proto/protocol.h"

namespace cardflow {

grpc::ServerUnaryReactor* NodeService::Ping(grpc::CallbackServerContext* context,
                                            const wire::PingRequest* request,
                                            wire::PingReply* reply) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (Status s = CheckProtocol(request->protocol(), "PingRequest"); !s.ok()) {
    reactor->Finish(ToGrpcStatus(s));
    return reactor;
  }
  reply->set_protocol(kProtocolVersion);
  reply->set_name(node_.name);
  reply->set_advertise(node_.advertise);
  reply->set_runs(static_cast<uint32_t>(node_.runs.size()));
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerBidiReactor<wire::RunControl, wire::RunUpdate>* NodeService::Run(
    grpc::CallbackServerContext*) {
  return new RunStream(node_);
}

grpc::ServerBidiReactor<wire::CallbackBatch, wire::CallbackAck>* NodeService::Deliver(
    grpc::CallbackServerContext* context) {
  return new DeliverStream(node_, context->peer());
}

}  // namespace cardflow
