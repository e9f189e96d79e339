// The gRPC settings every cardflow channel and server shares, in one place so
// both ends agree: keepalive pings often enough that a vanished peer is
// noticed within seconds (and servers that accept them), and messages large
// enough for a deck's text or a batch of events.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/server_builder.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/deck/limits.h"  // kMaxMessageBytes
#include "proto/link_security.h"

namespace cardflow {

// A silent peer is declared gone after about kKeepaliveTime + kKeepaliveTimeout.
inline constexpr std::chrono::milliseconds kKeepaliveTime{2000};
inline constexpr std::chrono::milliseconds kKeepaliveTimeout{3000};

// A channel to `address` ("host:port") with the settings above, secured as
// `security` says (TLS or plaintext; the token on every call when it has
// one). Connecting is lazy: the first call connects.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           const LinkSecurity& security);

// Applies the matching server settings. (The listening port's credentials
// come from LinkSecurity::ServerCredentials; the token check from
// node/token_gate.h.)
void ConfigureServer(grpc::ServerBuilder& builder);

}  // namespace cardflow
