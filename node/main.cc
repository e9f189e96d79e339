// cardflow-node: serve stacks to a coordinator.
//
//   cardflow-node --name X --listen HOST:PORT [--advertise HOST:PORT]
//                 [--threads N] [--log-level info] [--log-format text|json]
//                 [--metrics HOST:PORT] [--drain-ms 2000] [--health-listen HOST:PORT]
//                 [--tls-cert FILE --tls-key FILE [--tls-ca FILE]] [--token-file FILE]
//
// Prints `listening on HOST:PORT` (the bound address; port 0 picks one) on
// stdout once it serves — then, with --health-listen, `health listening on
// HOST:PORT`: a plaintext port serving only grpc.health.v1, for probes that
// have no client certificate or token (the kubelet's gRPC probe) — logs to
// stderr (with --log-format json, every stderr line is one JSON object), and
// on SIGINT/SIGTERM shuts down gracefully (see NodeServer::Stop). With
// --tls-cert/--tls-key it serves TLS, with --tls-ca too it requires client
// certificates signed by that CA (and its streams to other nodes use the
// same files); with --token-file every call must carry the token
// (proto/link_security.h, docs/lan.md).
// Exit status: 0 after a shutdown, 1 when it cannot serve, 2 for bad
// arguments (an unreadable or empty certificate, key, CA or token file, and
// a --health-listen address it cannot listen on, among them).
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <string>

#include "base/command_line.h"
#include "base/malloc_tuning.h"
#include "common/logging/logger.h"
#include "node/node_server.h"

namespace {

constexpr char kExamples[] = R"(Examples:
  cardflow-node --name X --listen 127.0.0.1:7001
  cardflow-node --name Y --listen :7002 --advertise hosty.lan:7002 --threads 2
  cardflow-node --name X --listen :7001 --tls-cert certs/node.pem --tls-key certs/node.key \
      --tls-ca certs/ca.pem --token-file certs/token --log-format json)";

}  // namespace

int main(int argc, char** argv) {
  cardflow::TuneMalloc();
  cardflow::NodeOptions options;
  int drain_ms = 2000;
  std::string log_format = "text";
  CLI::App app{"cardflow-node: runs the stacks a cardflow coordinator assigns to it"};
  app.set_version_flag("--version", "cardflow-node " CARDFLOW_VERSION);
  app.footer(kExamples);
  app.add_option("--name", options.name, "this node's name (as the coordinator's --node NAME=...)")
      ->required()
      ->option_text("NAME REQUIRED");
  app.add_option("--listen", options.listen,
                 "HOST:PORT to serve on, or :PORT for every interface; port 0 picks a free one")
      ->required()
      ->option_text("HOST:PORT REQUIRED");
  app.add_option("--advertise", options.advertise, "HOST:PORT other nodes reach this node at")
      ->option_text("HOST:PORT (default: the bound address)");
  app.add_option("--threads", options.threads, "engine worker threads")
      ->check(CLI::Range(1, 1024))  // as the coordinator's --threads
      ->option_text("N (default: one per core)");
  app.add_option("--log-level", options.log_level, "log lines on stderr at this level and above")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->option_text("trace|debug|info|warn|error|off (default: info)");
  app.add_option("--log-format", log_format,
                 "text: human lines; json: one object per line (time, level, message)")
      ->check(CLI::IsMember({"text", "json"}))
      ->option_text("text|json (default: text)");
  app.add_option("--metrics", options.metrics,
                 "serve Prometheus metrics there (/metrics); port 0 picks one")
      ->option_text("HOST:PORT (default: none)");
  app.add_option("--health-listen", options.health_listen,
                 "a plaintext port serving only grpc.health.v1 (no TLS, no token), for "
                 "probes such as the kubelet's; port 0 picks one")
      ->option_text("HOST:PORT (default: none)");
  app.add_option("--drain-ms", drain_ms, "on shutdown, how long runs in flight may finish")
      ->check(CLI::NonNegativeNumber)
      ->option_text("MS (default: 2000)");
  cardflow::LinkSecurityFiles security;
  app.add_option("--tls-cert", security.tls_cert,
                 "PEM certificate (chain): serve TLS, and present it to other nodes")
      ->option_text("FILE (default: plaintext)");
  app.add_option("--tls-key", security.tls_key, "PEM private key of --tls-cert")
      ->option_text("FILE");
  app.add_option("--tls-ca", security.tls_ca,
                 "PEM CA: require client certificates it signed (mutual TLS), and verify "
                 "other nodes with it")
      ->option_text("FILE");
  app.add_option("--token-file", security.token_file,
                 "file holding the shared token every call must carry (and that this node "
                 "sends to other nodes)")
      ->option_text("FILE (default: no token)");
  if (const auto exit = cardflow::ParseCommandLineOrExit(app, argc, argv)) return exit->Print();
  options.drain_grace = std::chrono::milliseconds(drain_ms);
  options.log_format = *cardflow::ParseLogFormat(log_format);
  cardflow::StatusOr<cardflow::LinkSecurity> loaded = cardflow::LinkSecurity::Load(security);
  if (!loaded.ok()) {
    std::fprintf(stderr, "cardflow-node: %s\n", loaded.status().message().c_str());
    return 2;
  }
  options.security = *std::move(loaded);
  // This process's own lines (and gRPC's) look like the node's.
  const auto log =
      cardflow::MakeStderrLogger("node", options.name, {options.log_level, options.log_format});
  cardflow::RouteGrpcLogsTo(log);

  // Signals are taken by sigwait below, never by a handler on some thread:
  // block them before any thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  cardflow::NodeServer node(options);
  const cardflow::StatusOr<std::string> address = node.Start();
  if (!address.ok()) {
    // Said even with --log-level off: a node that will not serve must say why.
    if (log->should_log(spdlog::level::err)) {
      log->error("{}", address.status().message());
    } else {
      std::fprintf(stderr, "cardflow-node: %s\n", address.status().message().c_str());
    }
    return address.status().code() == cardflow::StatusCode::kInvalidArgument ? 2 : 1;
  }
  std::printf("listening on %s\n", address->c_str());
  if (!node.health_address().empty()) {
    std::printf("health listening on %s\n", node.health_address().c_str());
  }
  std::fflush(stdout);

  int signal = 0;
  sigwait(&signals, &signal);
  log->info("{}, shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
  node.Stop();
  return 0;
}
