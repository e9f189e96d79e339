// NodeContext: what every part of one node shares — its name, the executor
// its engines run on, its runs, its peer streams, its log. Owned by
// NodeServer, it outlives every run and every stream of the node.
#pragma once

#include <spdlog/logger.h>

#include <asio/any_io_executor.hpp>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "common/base/mutex.h"
#include "common/events/event.h"
#include "node/peer_links.h"
#include "node/program_cache.h"
#include "node/run_registry.h"

namespace cardflow {

class DeliverStream;
class NodeMetrics;
class TokenGate;

// The callback streams other nodes have open to this one. They last as long
// as their senders want, so shutdown ends them itself.
class DeliverStreams {
 public:
  // False once EndAll has run: the new stream must end at once.
  bool Add(DeliverStream* stream) EXCLUDES(mutex_);
  void Remove(DeliverStream* stream) EXCLUDES(mutex_);
  // Ends every open stream with UNAVAILABLE `why`, and makes Add refuse.
  void EndAll(const std::string& why) EXCLUDES(mutex_);
  // After EndAll (or once Add has returned false): why_ no longer changes.
  const std::string& why() const NO_THREAD_SAFETY_ANALYSIS { return why_; }

 private:
  Mutex mutex_;
  std::set<DeliverStream*> open_ GUARDED_BY(mutex_);
  bool ended_ GUARDED_BY(mutex_) = false;
  std::string why_ GUARDED_BY(mutex_);  // set once, before ended_
};

struct NodeContext {
  std::string name;
  // The address other nodes and the coordinator use. NodeServer::Start sets
  // it once the port is bound, when the server already answers: a Ping that
  // comes first reads "" (the coordinator then dials the address it knows).
  std::string advertise() const EXCLUDES(advertise_mutex) {
    MutexLock lock(advertise_mutex);
    return advertise_;
  }
  void set_advertise(std::string address) EXCLUDES(advertise_mutex) {
    MutexLock lock(advertise_mutex);
    advertise_ = std::move(address);
  }
  asio::any_io_executor executor;
  std::shared_ptr<spdlog::logger> log;
  std::function<void(uint64_t run_id, const Event& event)> on_event;  // may be empty
  NodeMetrics* metrics = nullptr;   // owned by NodeServer; null without --metrics
  const TokenGate* gate = nullptr;  // owned by NodeServer; null without --token-file
  ProgramCache programs;
  RunRegistry runs;
  std::unique_ptr<PeerLinks> peers;
  DeliverStreams deliveries;
  std::atomic<bool> draining{false};  // shutting down: no new runs

  mutable Mutex advertise_mutex;
  std::string advertise_ GUARDED_BY(advertise_mutex);
};

}  // namespace cardflow
