#include "node/node_service.h"

#include "node/deliver_stream.h"
#include "node/run_stream.h"
#include "node/token_gate.h"
#include "proto/grpc_status.h"
#include "proto/protocol.h"

namespace cardflow {

namespace {

// A stream refused before it started (see TokenGate): ends at once with `status`.
template <typename Request, typename Response>
class RefusedStream final : public grpc::ServerBidiReactor<Request, Response> {
 public:
  explicit RefusedStream(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::Status NodeService::Admit(const grpc::CallbackServerContext& context) const {
  return node_.gate ? node_.gate->Check(context) : grpc::Status::OK;
}

grpc::ServerUnaryReactor* NodeService::Ping(grpc::CallbackServerContext* context,
                                            const wire::PingRequest* request,
                                            wire::PingReply* reply) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (grpc::Status admitted = Admit(*context); !admitted.ok()) {
    reactor->Finish(admitted);
    return reactor;
  }
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
    grpc::CallbackServerContext* context) {
  if (grpc::Status admitted = Admit(*context); !admitted.ok()) {
    return new RefusedStream<wire::RunControl, wire::RunUpdate>(admitted);
  }
  return new RunStream(node_);
}

grpc::ServerBidiReactor<wire::CallbackBatch, wire::CallbackAck>* NodeService::Deliver(
    grpc::CallbackServerContext* context) {
  if (grpc::Status admitted = Admit(*context); !admitted.ok()) {
    return new RefusedStream<wire::CallbackBatch, wire::CallbackAck>(admitted);
  }
  return new DeliverStream(node_, context->peer());
}

}  // namespace cardflow
