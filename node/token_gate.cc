#include "node/token_gate.h"

#include <grpc/grpc.h>
#include <grpcpp/support/interceptor.h>

#include <utility>

#include "common/base/tsan_edges.h"
#include "proto/call_token.h"

namespace cardflow {

// One per call. On the call's initial metadata: without the token, ends the
// call with UNAUTHENTICATED. grpc_call_cancel_with_status is the C core's
// own way to end a call with a status of our choosing (ServerContext::
// TryCancel could only say CANCELLED); the client then sees the code and
// the message.
class TokenGate::Interceptor final : public grpc::experimental::Interceptor {
 public:
  Interceptor(const TokenGate& gate, grpc::experimental::ServerRpcInfo* info)
      : gate_(gate), info_(info) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      const grpc::Status status = CheckCallToken(*methods->GetRecvInitialMetadata(), gate_.token_);
      if (!status.ok()) {
        grpc::ServerContextBase* context = info_->server_context();
        gate_.log_->warn("refused {} from {}: UNAUTHENTICATED: {}", info_->method(),
                         context->peer(), status.error_message());
        grpc_call_cancel_with_status(context->c_call(), GRPC_STATUS_UNAUTHENTICATED,
                                     status.error_message().c_str(), nullptr);
      }
    }
    methods->Proceed();
  }

 private:
  const TokenGate& gate_;
  grpc::experimental::ServerRpcInfo* const info_;  // owned by gRPC, outlives this
};

class TokenGate::Factory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit Factory(const TokenGate& gate) : gate_(gate) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    HappensAfter(&gate_);  // on a gRPC thread: see MakeInterceptorFactory
    return new Interceptor(gate_, info);
  }

 private:
  const TokenGate& gate_;
};

TokenGate::TokenGate(std::string token, std::shared_ptr<spdlog::logger> log)
    : token_(std::move(token)), log_(std::move(log)) {}

grpc::Status TokenGate::Check(const grpc::ServerContextBase& context) const {
  return CheckCallToken(context.client_metadata(), token_);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
TokenGate::MakeInterceptorFactory() const {
  auto factory = std::make_unique<Factory>(*this);
  HappensBefore(this);  // the gate and its factory happen before the server's threads use them
  return factory;
}

}  // namespace cardflow
