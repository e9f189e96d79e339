// The shared token (--token-file) on the wire: every call a cardflow client
// makes carries it as `authorization: Bearer TOKEN` metadata, and a node
// checks it on every call it takes (node/token_gate.h).
//
// Sent as plain call metadata, not as gRPC CallCredentials: gRPC sends
// CallCredentials only over TLS, and the token must also work on plaintext
// links (where it keeps strangers out, but can be read off the network —
// docs/lan.md says to turn TLS on with it).
#pragma once

#include <grpcpp/support/client_interceptor.h>
#include <grpcpp/support/status.h>
#include <grpcpp/support/string_ref.h>

#include <map>
#include <memory>
#include <string>

namespace cardflow {

inline constexpr char kCallTokenKey[] = "authorization";

// A client interceptor factory that adds the token to every call's initial
// metadata. Give it to grpc::experimental::CreateCustomChannelWithInterceptors
// (MakeChannel does, when LinkSecurity has a token).
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> MakeCallTokenSender(
    std::string token);

// OK when `metadata` (a call's client metadata) carries `token`;
// UNAUTHENTICATED saying whether it was missing or wrong otherwise. The
// comparison takes the same time whatever the caller sent, so it gives
// away nothing about the token. `token` must not be empty.
grpc::Status CheckCallToken(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                            const std::string& token);

}  // namespace cardflow
