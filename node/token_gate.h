// TokenGate: a node's check of the shared token (--token-file) on every call
// it takes — the Node service, grpc.health.v1 and server reflection alike.
//
// gRPC 1.51 gives a plaintext server no place to refuse a call before its
// handler runs: an AuthMetadataProcessor works only with TLS server
// credentials, and server interceptors cannot Hijack (grpc/grpc #24017). So
// the gate is a server interceptor that, on the call's initial metadata,
// ends a call without the token with UNAUTHENTICATED at the C core and logs
// a warning naming the peer; the handler still starts but finds its call
// over. The Node service's own entries also ask Check(), so they never
// start a run or a stream for such a call.
//
// Thread-safety: const after construction; any thread.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>
#include <spdlog/logger.h>

#include <memory>
#include <string>

namespace cardflow {

class TokenGate {
 public:
  // `token` must not be empty; `log` gets one warning per refused call.
  TokenGate(std::string token, std::shared_ptr<spdlog::logger> log);
  TokenGate(const TokenGate&) = delete;
  TokenGate& operator=(const TokenGate&) = delete;

  // OK when the call carries the token; UNAUTHENTICATED saying why not
  // otherwise. Never logs: the interceptor does.
  grpc::Status Check(const grpc::ServerContextBase& context) const;

  // The interceptor factory for ServerBuilder::experimental().
  // SetInterceptorCreators; it refers to this gate, which must outlive the
  // server.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeInterceptorFactory()
      const;

 private:
  class Interceptor;
  class Factory;

  const std::string token_;
  const std::shared_ptr<spdlog::logger> log_;
};

}  // namespace cardflow
