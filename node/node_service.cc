#include "node/node_service.h"

#include "node/deliver_stream.h"
#include "node/finished_stream.h"
#include "node/run_stream.h"
#include "node/token_gate.h"
#include "proto/grpc_status.h"
#include "proto/protocol.h"
#include "proto/raw_message.h"

namespace cardflow {

grpc::Status NodeService::Admit(const grpc::CallbackServerContext& context) const {
  return node_.gate ? node_.gate->Check(context) : grpc::Status::OK;
}

grpc::ServerUnaryReactor* NodeService::Ping(grpc::CallbackServerContext* context,
                                            const grpc::ByteBuffer* request_bytes,
                                            grpc::ByteBuffer* reply_bytes) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (grpc::Status admitted = Admit(*context); !admitted.ok()) {
    reactor->Finish(admitted);
    return reactor;
  }
  wire::PingRequest request;
  grpc::ByteBuffer bytes = *request_bytes;  // shares the slices
  Status s = ParseMessage(bytes, request, "PingRequest", "Ping", 1);
  if (s.ok()) s = CheckProtocol(request.protocol(), "PingRequest");
  if (!s.ok()) {
    reactor->Finish(ToGrpcStatus(s));
    return reactor;
  }
  wire::PingReply reply;
  reply.set_protocol(kProtocolVersion);
  reply.set_name(node_.name);
  reply.set_advertise(node_.advertise());
  reply.set_runs(static_cast<uint32_t>(node_.runs.size()));
  reactor->Finish(SerializeMessage(reply, *reply_bytes)
                      ? grpc::Status::OK
                      : grpc::Status(grpc::StatusCode::INTERNAL, "cannot serialize the PingReply"));
  return reactor;
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* NodeService::Run(
    grpc::CallbackServerContext* context) {
  if (grpc::Status admitted = Admit(*context); !admitted.ok()) {
    return new FinishedStream<grpc::ByteBuffer, grpc::ByteBuffer>(admitted, context->c_call());
  }
  return new RunStream(node_, context->c_call());
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* NodeService::Deliver(
    grpc::CallbackServerContext* context) {
  if (grpc::Status admitted = Admit(*context); !admitted.ok()) {
    return new FinishedStream<grpc::ByteBuffer, grpc::ByteBuffer>(admitted, context->c_call());
  }
  return new DeliverStream(node_, context->peer(), context->c_call());
}

}  // namespace cardflow
