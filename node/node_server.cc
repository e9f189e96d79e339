#include "node/node_server.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <netdb.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <asio/thread_pool.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "common/base/mutex.h"
#include "common/base/tsan_edges.h"
#include "common/logging/logger.h"
#include "node/finished_stream.h"
#include "node/node_context.h"
#include "node/node_metrics.h"
#include "node/node_run.h"
#include "node/node_service.h"
#include "node/token_gate.h"
#include "proto/channel_settings.h"
#include "proto/tsan_grpc_edges.h"

namespace cardflow {

struct NodeServer::Impl {
  explicit Impl(NodeOptions o) : options(std::move(o)), service(context) {}

  void FailLostRuns(const std::string& peer, const std::string& why,
                    const std::vector<uint64_t>& runs, bool permanent, bool delivered) {
    for (uint64_t id : runs) {
      if (auto run = context.runs.Find(id)) run->PeerLost(peer, why, permanent, delivered);
    }
  }

  Status StartHealthServer();
  // What grpc.health.v1 says, on the main port and the health port alike.
  void SetServing(bool serving);
  void Shutdown();

  NodeOptions options;
  std::unique_ptr<NodeMetrics> metrics;  // outlives the context, whose runs count in it
  std::unique_ptr<TokenGate> gate;       // outlives the server; null without a token
  std::string address;
  NodeContext context;
  NodeService service;
  std::unique_ptr<asio::thread_pool> pool;
  std::unique_ptr<grpc::Server> server;
  // Answers every call the health port does not serve; outlives health_server.
  std::unique_ptr<grpc::CallbackGenericService> health_others;
  std::unique_ptr<grpc::Server> health_server;  // null without options.health_listen
  std::string health_address;
  Mutex stop_mutex;
  bool stopped GUARDED_BY(stop_mutex) = false;
};

namespace {

// "0.0.0.0:0" with port 40123 bound -> "0.0.0.0:40123".
std::string BoundAddress(const std::string& listen, int port) {
  const size_t colon = listen.rfind(':');
  return fmt::format("{}:{}", colon == std::string::npos ? listen : listen.substr(0, colon), port);
}

// Names travel in logs, metrics labels and `--node NAME=...` flags.
bool IsNodeName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

// --listen as gRPC takes it: HOST:PORT (port 0 picks one), and ":PORT" for
// every interface, as `serve --http :PORT` reads it.
StatusOr<std::string> ListenAddress(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  const std::string port = colon == std::string::npos ? "" : listen.substr(colon + 1);
  const bool digits =
      !port.empty() && port.size() <= 5 &&
      std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::stoi(port) > 65535) {
    return InvalidArgumentError(fmt::format(
        "--listen {}: expected HOST:PORT or :PORT with a port from 0 (any free one) to 65535",
        listen));
  }
  return colon == 0 ? "0.0.0.0" + listen : listen;
}

// Why gRPC could not bind `address` (it only logs it): the error of a plain
// bind with SO_REUSEADDR, as gRPC's, e.g. "address already in use"; "" when
// that bind works (then gRPC's log says more).
std::string WhyNotListening(const std::string& address) {
  const size_t colon = address.rfind(':');
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (const int error =
          getaddrinfo(host.c_str(), address.substr(colon + 1).c_str(), &hints, &found);
      error != 0) {
    return gai_strerror(error);
  }
  std::string why;
  const int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  const int on = 1;
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
      bind(fd, found->ai_addr, found->ai_addrlen) != 0) {
    why = std::strerror(errno);
    if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
  }
  if (fd >= 0) close(fd);
  freeaddrinfo(found);
  return why;
}

// Makes a builder serve grpc.health.v1 only. Server reflection is a plugin
// that InitProtoReflectionServerBuilderPlugin adds to every builder of the
// process, so it is dropped here; and without SO_REUSEPORT a health port
// already in use is an error, not silently shared with another server.
class HealthOnly final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments* args) override {
    args->SetInt(GRPC_ARG_ALLOW_REUSEPORT, 0);
  }
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->clear();
  }
};

// Every method but grpc.health.v1's on the health port: UNIMPLEMENTED, saying
// why. (A server with no callback or sync method of its own would not start.)
class NotOnHealthPort final : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override {
    return new FinishedStream<grpc::ByteBuffer, grpc::ByteBuffer>(
        grpc::Status(
            grpc::StatusCode::UNIMPLEMENTED,
            context->method() + ": this port (--health-listen) serves grpc.health.v1 only"),
        context->c_call());
  }
};

}  // namespace

// gRPC's default health service (enabled process-wide in Start) answers
// grpc.health.v1; every other method is UNIMPLEMENTED. Plaintext and without
// the token gate, by design: it is for probes that have neither the client
// certificate nor the token.
Status NodeServer::Impl::StartHealthServer() {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.health_listen, grpc::InsecureServerCredentials(), &port);
  ConfigureServer(builder);
  builder.SetOption(std::make_unique<HealthOnly>());
  health_others = std::make_unique<NotOnHealthPort>();
  builder.RegisterCallbackGenericService(health_others.get());
  HappensBeforeGrpc();  // the setup above happens before the handlers (TSan builds only)
  {
    const GrpcErrorsExplainedByCaller quiet;  // a failure is explained below
    health_server = builder.BuildAndStart();
  }
  if (!health_server || port == 0) {
    health_server.reset();
    return InvalidArgumentError(fmt::format(
        "--health-listen {}: cannot listen there (the port is in use, or the host is not an "
        "address of this machine)",
        options.health_listen));
  }
  health_address = BoundAddress(options.health_listen, port);
  return Status::Ok();
}

void NodeServer::Impl::SetServing(bool serving) {
  for (grpc::Server* s : {server.get(), health_server.get()}) {
    if (grpc::HealthCheckServiceInterface* health = s ? s->GetHealthCheckService() : nullptr) {
      health->SetServingStatus(serving);
    }
  }
}

NodeServer::NodeServer(NodeOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

NodeServer::~NodeServer() { Stop(); }

const std::string& NodeServer::name() const { return impl_->options.name; }
const std::string& NodeServer::address() const { return impl_->address; }
const std::string& NodeServer::health_address() const { return impl_->health_address; }
std::string NodeServer::metrics_address() const {
  return impl_->metrics ? impl_->metrics->address() : std::string();
}
size_t NodeServer::active_runs() const { return impl_->context.runs.size(); }

StatusOr<std::string> NodeServer::Start() {
  Impl& impl = *impl_;
  const NodeOptions& options = impl.options;
  if (!IsNodeName(options.name)) {
    return InvalidArgumentError(fmt::format(
        "--name '{}': a node name is one or more letters, digits, '_', '.' and '-'", options.name));
  }
  StatusOr<std::string> listen = ListenAddress(options.listen);
  if (!listen.ok()) return listen.status();
  if (!options.health_listen.empty() && options.health_listen.find(':') == std::string::npos) {
    return InvalidArgumentError(
        fmt::format("--health-listen {}: expected HOST:PORT", options.health_listen));
  }
  if (impl.server) return FailedPreconditionError("node already started");
  StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      options.security.ServerCredentials();
  if (!credentials.ok()) return credentials.status();
  if (!options.metrics.empty()) {
    StatusOr<std::unique_ptr<NodeMetrics>> metrics =
        NodeMetrics::Start(options.metrics, options.name);
    if (!metrics.ok()) return metrics.status();
    impl.metrics = std::move(metrics).value();
    impl.context.metrics = impl.metrics.get();
  }
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  impl.pool = std::make_unique<asio::thread_pool>(static_cast<size_t>(threads));

  NodeContext& context = impl.context;
  context.name = options.name;
  context.executor = impl.pool->get_executor();
  context.log = MakeStderrLogger("node", options.name, {options.log_level, options.log_format});
  context.on_event = options.on_event;
  context.peers = std::make_unique<PeerLinks>(
      options.name, options.security,
      [&impl](const std::string& peer, const std::string& why, const std::vector<uint64_t>& runs,
              bool permanent,
              bool delivered) { impl.FailLostRuns(peer, why, runs, permanent, delivered); },
      context.log);

  // grpc.health.v1 (for cardflow-probe and Docker healthchecks) and server
  // reflection (for grpcurl) are process-wide switches read by the builder.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(*listen, *credentials, &port);
  // gRPC sets SO_REUSEPORT by default: a second node on this port would bind
  // it too and silently take half the connections.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(&impl.service);
  ConfigureServer(builder);
  if (!options.security.token().empty()) {
    impl.gate = std::make_unique<TokenGate>(options.security.token(), context.log);
    context.gate = impl.gate.get();
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> gates;
    gates.push_back(impl.gate->MakeInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(gates));
  }
  HappensBeforeGrpc();  // the setup above happens before the handlers (TSan builds only)
  {
    const GrpcErrorsExplainedByCaller quiet;  // a failure is explained below
    impl.server = builder.BuildAndStart();
  }
  if (!impl.server || port == 0) {
    impl.server.reset();
    impl.pool->join();
    const std::string why = WhyNotListening(*listen);
    return UnavailableError(fmt::format("node {} cannot listen on {}{}", options.name, *listen,
                                        why.empty() ? "" : ": " + why));
  }
  if (!options.health_listen.empty()) {
    if (Status health = impl.StartHealthServer(); !health.ok()) {
      impl.server->Shutdown(std::chrono::system_clock::now());
      impl.server->Wait();
      impl.server.reset();
      impl.pool->join();
      return health;
    }
  }
  impl.SetServing(true);
  impl.address = BoundAddress(*listen, port);
  context.set_advertise(options.advertise.empty() ? impl.address : options.advertise);
  context.log->info("listening on {} (advertised as {}), {}, {} worker threads", impl.address,
                    context.advertise(), options.security.DescribeServer(), threads);
  if (impl.health_server) {
    context.log->info("health (grpc.health.v1 only, plaintext, no token) on {}",
                      impl.health_address);
  }
  if (impl.metrics) {
    context.log->info("metrics on http://{}/metrics", impl.metrics->address());
  }
  return impl.address;
}

void NodeServer::Stop() {
  MutexLock lock(impl_->stop_mutex);
  if (impl_->stopped || !impl_->server) return;
  impl_->stopped = true;
  impl_->Shutdown();
}

void NodeServer::Impl::Shutdown() {
  NodeContext& node = context;
  node.draining = true;
  // Health checks say NOT_SERVING while runs drain, so no one sends new work.
  SetServing(false);
  const auto running = [&node] {
    for (const auto& run : node.runs.All()) {
      const NodeRun::State state = run->state();
      if (state == NodeRun::State::kAssigned || state == NodeRun::State::kRunning) return false;
    }
    return true;
  };
  const auto held = node.runs.All();
  node.log->info("shutting down: {} runs held, waiting up to {} ms for those in flight",
                 held.size(), options.drain_grace.count());
  node.runs.WaitUntil(std::chrono::steady_clock::now() + options.drain_grace, running);

  std::vector<std::string> finished;
  std::vector<std::string> cancelled;
  for (const auto& run : node.runs.All()) {
    const NodeRun::State state = run->state();
    if (state == NodeRun::State::kAssigned || state == NodeRun::State::kRunning) {
      run->Fault(node.name, node.advertise(), fmt::format("node {} is shutting down", node.name));
      cancelled.push_back(run->Label());
    } else {
      finished.push_back(fmt::format("{} ({})", run->Label(), NodeRunStateName(state)));
    }
  }
  node.log->info("shutdown: {} runs ended before it{}{}; {} cancelled{}{}", finished.size(),
                 finished.empty() ? "" : ": ", fmt::join(finished, ", "), cancelled.size(),
                 cancelled.empty() ? "" : ": ", fmt::join(cancelled, ", "));

  // Peers' callback streams would stay open as long as the peers live.
  node.deliveries.EndAll(fmt::format("node {} is shutting down", node.name));
  // Calls still open after the deadline are cancelled; every reactor then finishes.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server->Wait();
  HappensAfter(&node);  // every stream's OnDone has returned (RunStream, DeliverStream)
  if (health_server) {
    health_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    health_server->Wait();
  }
  node.peers->Shutdown();
  pool->join();
  node.log->info("stopped");
}

}  // namespace cardflow
