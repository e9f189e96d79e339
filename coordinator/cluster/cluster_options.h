// What a remote (cluster) run of a deck needs to know: which nodes, where
// stacks go, how many runs — the remote counterpart of LocalOptions.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/deck/program.h"
#include "common/logging/logger.h"
#include "common/report/report.h"
#include "common/report/run_result.h"
#include "common/run/runner.h"
#include "common/schedule/step.h"
#include "common/status/status.h"
#include "proto/link_security.h"

namespace cardflow {

class ClusterObserver;  // cluster_observer.h

// `--node NAME=HOST:PORT`.
struct NodeAddress {
  std::string name;
  std::string address;
};

// "X=host:port" -> {X, host:port}; INVALID_ARGUMENT naming the flag otherwise.
StatusOr<NodeAddress> ParseNodeFlag(std::string_view flag);
// "A=X" (--place) -> {A, X}; INVALID_ARGUMENT otherwise.
StatusOr<std::pair<std::string, std::string>> ParsePlaceFlag(std::string_view flag);

struct ClusterOptions {
  // The nodes, in command-line order (round-robin placement follows it).
  std::vector<NodeAddress> nodes;
  // How the links to `nodes` are secured (--tls-*, --token-file). Not used
  // with `loopback`: those nodes live in this process and speak plaintext.
  LinkSecurity links;
  // `--loopback N`: start N nodes inside this process on 127.0.0.1:0 for the
  // duration of the call (see LoopbackNodeNames for their names). Used
  // instead of `nodes` when > 0.
  int loopback = 0;
  // Worker threads of each loopback node. One: then a node is one unit of
  // parallelism, and N loopback nodes run N stacks at once.
  int loopback_threads = 1;
  // How loopback nodes log (to this process's stderr): warnings and errors
  // unless the command line says otherwise.
  LogOptions loopback_log{.level = "warn"};
  // `--place STACK=NODE`, overriding the deck's `on NODE` hints.
  std::vector<std::pair<std::string, std::string>> place;

  Ordering ordering = Ordering::kCallbacks;
  uint64_t runs = 1;
  uint64_t seed = 1;  // run i has seed + i
  // Who orders each run's visible steps: the nodes and the network (the
  // default), or the coordinator's seeded scheduler — then a seed gives the
  // schedule and report it gives locally.
  Shuffle shuffle = Shuffle::kNetwork;
  // `run --schedule`: a schedule every run takes first (seeded shuffle
  // only; checked with CheckSchedule before anything is sent).
  Schedule prefix;
  // Runs in flight at once. Runs are independent; more in flight keeps the
  // nodes busy while each run waits on the network.
  int in_flight = 8;

  // How long a node may take to answer the first ping (it may be starting).
  std::chrono::milliseconds connect_timeout{5000};
  // The deadline of one run's streams: a run not over by then fails.
  std::chrono::milliseconds run_timeout{std::chrono::minutes(30)};

  // Called after each finished run with the number finished so far, from a
  // worker thread; keep it cheap. May be empty.
  std::function<void(uint64_t done)> on_progress;
  // Sees every run that completed (outcome or run error), events included,
  // from a worker thread, one run at a time (runner.h); may be null. Must
  // outlive the RunCluster call.
  RunSink* sink = nullptr;
  // Told how long each RPC to a node took (metrics); may be null. Must
  // outlive the RunCluster call.
  ClusterObserver* observer = nullptr;
  // When set and it becomes true, no further run starts; the runs in flight
  // finish and the Report counts the runs that ran. Must outlive the call.
  const std::atomic<bool>* stop = nullptr;
  // When set and the cluster could not carry the runs after some completed
  // (every node lost, say), receives the report of the runs that completed
  // before the fault, while RunCluster returns the fault; untouched when no
  // run completed. Must outlive the call.
  std::optional<Report>* partial = nullptr;
};

}  // namespace cardflow
