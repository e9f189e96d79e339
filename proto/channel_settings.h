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

namespace cardflow {

inline constexpr int kMaxMessageBytes = 256 << 20;
// A silent peer is declared gone after about kKeepaliveTime + kKeepaliveTimeout.
inline constexpr std::chrono::milliseconds kKeepaliveTime{2000};
inline constexpr std::chrono::milliseconds kKeepaliveTimeout{3000};

// An insecure channel to `address` ("host:port") with the settings above.
// Connecting is lazy: the first call connects.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address);

// Applies the matching server settings.
void ConfigureServer(grpc::ServerBuilder& builder);

}  // namespace cardflow
