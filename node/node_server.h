// NodeServer: a cardflow node — the gRPC Node service (cardflow.proto) and
// the engine that runs the stacks the coordinator assigns to it, on a pool
// of worker threads. `cardflow-node` is main() around one; the coordinator
// embeds several for `--loopback N`.
//
//   NodeServer node({.name = "X", .listen = "127.0.0.1:0"});
//   StatusOr<std::string> address = node.Start();  // "127.0.0.1:40123"
//   ...
//   node.Stop();  // or let the destructor do it
//
// Thread-safety: Start and Stop from one thread; the accessors from any.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/events/event.h"
#include "common/logging/logger.h"
#include "common/status/status.h"
#include "proto/link_security.h"

namespace cardflow {

struct NodeOptions {
  std::string name;                    // required: [A-Za-z0-9_.-]+, its name in logs and pings
  std::string listen = "127.0.0.1:0";  // HOST:PORT or :PORT (all interfaces); port 0: any free one
  std::string advertise;               // what Ping reports; default: the bound address
  int threads = 0;                     // engine worker threads; 0: one per core
  // Stop() lets runs in flight finish for this long, then cancels the rest.
  std::chrono::milliseconds drain_grace{2000};
  std::string log_level = "info";  // spdlog level name: trace, debug, info, warn, error, off
  LogFormat log_format = LogFormat::kText;  // --log-format text|json
  // HOST:PORT to serve Prometheus metrics on (/metrics, see node_metrics.h);
  // port 0 picks a free one; empty: no metrics.
  std::string metrics;
  // How this node's links are secured (--tls-cert/--tls-key/--tls-ca,
  // --token-file): its server, and its callback streams to other nodes.
  // Default: plaintext, no token.
  LinkSecurity security;
  // HOST:PORT of a second, plaintext server that serves grpc.health.v1 and
  // nothing else (no Node service, no reflection, no token): for probes that
  // cannot present the main port's TLS client certificate or token, such as
  // the kubelet's gRPC probe. It says SERVING and NOT_SERVING when the main
  // port's health does. Port 0 picks a free one; empty: no such server.
  std::string health_listen;
  // Sees every callback event (send, arrive, await) and print as it is
  // recorded, on the recording thread, under a lock: keep it cheap. For
  // benchmarks and live traces; may be empty.
  std::function<void(uint64_t run_id, const Event& event)> on_event;
};

class NodeServer {
 public:
  explicit NodeServer(NodeOptions options);
  ~NodeServer();  // Stop()
  NodeServer(const NodeServer&) = delete;
  NodeServer& operator=(const NodeServer&) = delete;

  // Listens and serves. Returns the bound address ("HOST:PORT", the port
  // resolved); INVALID_ARGUMENT for bad options (a --tls-ca without a
  // certificate among them, and a `health_listen` it cannot listen on:
  // not HOST:PORT, in use, not this machine's), UNAVAILABLE when it cannot
  // listen on `listen`. On an error nothing is left serving. Call once.
  StatusOr<std::string> Start();

  // Graceful shutdown: takes no new runs, lets runs in flight finish for up
  // to drain_grace, fails the rest (the coordinator hears this node is
  // shutting down), logs which runs finished and which were cancelled, then
  // stops serving and joins the workers. Idempotent; blocks until done.
  void Stop();

  const std::string& name() const;
  const std::string& address() const;  // the bound address, after Start
  // The bound health-only address after Start; empty without options.health_listen.
  const std::string& health_address() const;
  // The bound metrics address after Start; empty without options.metrics.
  std::string metrics_address() const;
  size_t active_runs() const;  // runs assigned and not yet over

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cardflow
