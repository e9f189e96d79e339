#include "proto/channel_settings.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <chrono>
#include <memory>
#include <vector>

#include "proto/call_token.h"
#include "proto/cardflow.grpc.pb.h"
#include "proto/tsan_grpc_edges.h"

namespace cardflow {

namespace {

// gRPC 1.51 runs callback-API completions on a process-wide pool of
// "nexting" threads (CallbackAlternativeCQ) that it starts on the first
// reference and tears down — joining its own threads — when the last
// channel or server using it goes. If that last one dies inside a callback,
// the teardown runs on a nexting thread, cannot join itself, and frees the
// queue under its own feet (the abort `grpc_cq_internal_unref ... prior > 0`
// seen when clusters start and stop in one process; upstream grpc/grpc
// #32584). Holding one reference for the life of the process means the pool
// is never torn down while the process runs.
//
// The pin: one call's worth of objects, never destroyed. Held through a static
// pointer, so they stay reachable (LeakSanitizer counts them as live, not
// leaked) and no destructor runs at exit while gRPC's threads may still use
// them.
struct CallbackQueuePin {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<wire::Node::Stub> stub;
  grpc::ClientContext context;
  wire::PingRequest request;
  wire::PingReply reply;
};

void PinCallbackQueue() {
  static CallbackQueuePin* const pin = [] {
    InstallGrpcTsanEdges();  // before gRPC's first call (TSan builds only)
    auto* made = new CallbackQueuePin;
    made->channel = grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
    made->stub = wire::Node::NewStub(made->channel);
    made->context.set_deadline(std::chrono::system_clock::now());  // fails at once, never connects
    made->stub->async()->Ping(&made->context, &made->request, &made->reply,
                              [](const grpc::Status&) {});
    return made;
  }();
  (void)pin;
}

}  // namespace

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           const LinkSecurity& security) {
  PinCallbackQueue();
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, static_cast<int>(kKeepaliveTime.count()));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, static_cast<int>(kKeepaliveTimeout.count()));
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // Reconnect quickly after a peer restarts instead of backing off for minutes.
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // And after a connection attempt that failed, try again within about
  // 100 ms (growing 1.6 times per failure, jittered, up to the 1 s above),
  // not gRPC's 1 s: a channel fails every call at once while it waits, and
  // a 1 s wait kept falling into the next outage of a fault that recurs
  // every second (bench/soak.sh: a link reset each second, "12 times:
  // giving up").
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  // Each channel gets its own connection: runs to different nodes never
  // share a subchannel, and a node's peer streams do not queue behind its
  // control streams.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  if (security.token().empty()) {
    return grpc::CreateCustomChannel(address, security.ChannelCredentials(), args);
  }
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(MakeCallTokenSender(security.token()));
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      address, security.ChannelCredentials(), args, std::move(interceptors));
}

void ConfigureServer(grpc::ServerBuilder& builder) {
  PinCallbackQueue();
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, static_cast<int>(kKeepaliveTime.count()));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             static_cast<int>(kKeepaliveTimeout.count()));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             static_cast<int>(kKeepaliveTime.count() / 2));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  HappensBeforeGrpc();  // the server's setup so far (TSan builds only)
}

}  // namespace cardflow
