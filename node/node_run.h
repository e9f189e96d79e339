// NodeRun: one run's stacks on this node, from the Run stream's `assign`
// until that stream is over: the compiled Program, the RemoteEffects, and the
// Engines — the very engine local runs use — on the node's executor.
//
// With the seeded shuffle (Assign.shuffle) every visible step waits for the
// coordinator's Grant (RemoteEffects, gated), a run error is reported
// without stopping the node's other stacks (the coordinator ends the run
// when its scheduler takes that step), and no events are sent: the
// coordinator records them in schedule order.
//
// With the network shuffle the events are streamed: RemoteEffects hands
// them over in batches of kEventsPerBatch while the run goes on, each sent
// at once as a RunUpdate of its own (Updates::SendEvents). While the Run
// stream has more than its bound of such bytes unsent, the stacks park as
// they reach their next step (RemoteEffects' back-pressure) until the
// stream calls Drained(). The last batch goes before the results (`done`).
//
// Life: kAssigned (validated, compiled, peers' streams opened) -> Start ->
// kRunning -> every engine goes idle -> kFinished (events and registers
// sent). A Reroute that gives the node stacks of a dead node starts them in
// an engine of their own (kFinished -> kRunning again; results are sent
// again once it is idle). A run error in a stack -> kFailed (StackFailure
// sent); shutdown -> kFailed (NodeFault sent); Cancel or the stream ending
// -> kCancelled. Only kRunning reports results.
//
// A broken callback stream does not fail the run: the callbacks sent to the
// stacks behind it are sent again on a new stream, after a backoff that
// grows with each break (the receiver drops what it has). If the node there
// died, the coordinator reroutes its stacks and they go to the new holder.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/deck/program.h"
#include "common/engine/engine.h"
#include "common/status/status.h"
#include "node/node_context.h"
#include "node/node_metrics.h"
#include "node/peer_link.h"
#include "node/remote_effects.h"
#include "proto/cardflow.pb.h"

namespace cardflow {

class NodeRun final : public std::enable_shared_from_this<NodeRun>,
                      private RemoteEffects::Transport {
 public:
  // Where the run's updates go: its Run stream.
  class Updates {
   public:
    virtual ~Updates() = default;
    // Adds `items` items through `fill` to the stream, merged with what is
    // queued; false once the stream is closed.
    virtual bool Send(size_t items, const std::function<void(wire::RunUpdate&)>& fill) = 0;
    // The same, in a message of its own.
    virtual bool SendSeparate(const std::function<void(wire::RunUpdate&)>& fill) = 0;
    enum class Room { kRoom, kFull, kClosed };
    // A batch of streamed events, in a message of its own whose bytes count
    // as unsent until written. kFull: more than the stream's bound is
    // unsent; the stream calls NodeRun::Drained() once it is back under it
    // (or closed). The default (no bound) is SendSeparate.
    virtual Room SendEvents(const std::function<void(wire::RunUpdate&)>& fill) {
      return SendSeparate(fill) ? Room::kRoom : Room::kClosed;
    }
  };

  enum class State { kAssigned, kRunning, kFinished, kFailed, kCancelled };

  // Events per streamed batch (one RunUpdate each; about 100 KB on the wire).
  static constexpr size_t kEventsPerBatch = 4096;
  // Callbacks go out again after 2 x this after a stream broke, doubling
  // with each further break up to kMaxResendBackoff.
  static constexpr std::chrono::milliseconds kFirstResendBackoff{10};
  static constexpr std::chrono::milliseconds kMaxResendBackoff{1000};
  static constexpr int kMaxBreaks = 12;  // about 7 s of backoff

  // Validates `assign` (INVALID_ARGUMENT naming what is wrong), compiles its
  // deck, and opens the streams to the peers its stacks send callbacks to.
  // `node` must outlive the run.
  static StatusOr<std::shared_ptr<NodeRun>> Create(const wire::Assign& assign, NodeContext& node);

  ~NodeRun() override;
  NodeRun(const NodeRun&) = delete;
  NodeRun& operator=(const NodeRun&) = delete;

  uint64_t id() const { return id_; }
  std::string Label() const;  // "run 0123456789abcdef"
  State state() const;

  // Updates go to `updates` until Detach(), which also cancels the run if it
  // has not ended. `updates` must stay valid until Detach returns.
  void Attach(Updates* updates);
  void Detach();

  // Starts the stacks. FAILED_PRECONDITION unless kAssigned.
  Status Start();
  // Stops the stacks (kAssigned/kRunning -> kCancelled); logs `why`.
  void Cancel(std::string_view why);
  // The node cannot carry the run: NodeFault to the coordinator naming
  // `node` at `address`, then the stacks stop.
  void Fault(std::string_view node, std::string_view address, std::string_view why);
  // The callback stream to `address` broke: after a backoff, every callback
  // sent to the stacks routed there goes out again on a new stream. When the
  // break is `permanent` (the peer refused us), or the streams to `address`
  // broke kMaxBreaks times in this run (a TLS name mismatch, say), the run
  // fails instead: NodeFault naming the node there.
  void PeerLost(const std::string& address, const std::string& why, bool permanent = false);

  // The Run stream's unsent events fell back under its bound: the stacks
  // parked by back-pressure go on.
  void Drained();
  // Stacks parked by back-pressure now.
  size_t HeldStacks() const;

  Status OnTableReply(const wire::TableReply& reply);
  // Seeded shuffle: the coordinator's go-ahead for one step.
  Status OnGrant(const wire::Grant& grant);
  Status Arrive(const wire::Callback& callback);
  // Recovery: the run's new routing table. INVALID_ARGUMENT when it does not
  // fit the deck or takes a stack away from this node.
  Status Reroute(const wire::Reroute& reroute);

 private:
  NodeRun(const wire::Assign& assign, NodeContext& node, std::shared_ptr<const Program> program,
          std::vector<bool> mine);

  // RemoteEffects::Transport
  void SendRequest(StackId stack, uint32_t pc, RemoteEffects::Ask ask, uint32_t var, int64_t value,
                   uint64_t lamport) override;
  void SendCallback(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport) override;
  void ReportArrival(ChannelId channel, uint64_t seq) override;
  void StackFailed(StackId stack, uint32_t pc, const char* what) override;
  bool SendEvents(std::vector<Event> events) override;

  // Engine `index` is idle.
  void OnIdle(size_t index);
  void SendResults(const std::vector<StackId>& stacks, const std::vector<Engine*>& engines);
  // Every callback sent to a stack routed to `address` goes out again.
  void ResendTo(const std::string& address);
  void ResendTo(StackId receiver);
  // The stream for callbacks of `channel`, opened if needed; null at shutdown.
  std::shared_ptr<PeerLink> LinkFor(ChannelId channel);
  std::vector<Engine*> EnginesLocked() const;
  void CancelEngines();  // every engine of the run; mutex_ not held
  bool SendUpdate(size_t items, const std::function<void(wire::RunUpdate&)>& fill);
  bool SendSeparate(const std::function<void(wire::RunUpdate&)>& fill);
  // kAssigned/kRunning (and kFinished if `from_finished`) -> `to`; returns
  // the state it left, or nullopt if the run had already ended.
  std::optional<State> EndAs(State to, bool from_finished = false);

  NodeContext& node_;
  const uint64_t id_;
  const std::string self_name_;  // this node's name in the routes
  const bool gated_;             // --shuffle seeded: every visible step waits for a Grant
  const std::shared_ptr<const Program> program_;
  RemoteEffects effects_;

  mutable std::mutex mutex_;
  State state_ = State::kAssigned;          // guarded by mutex_
  Updates* updates_ = nullptr;              // guarded by mutex_
  std::vector<std::string> route_node_;     // by StackId; guarded by mutex_
  std::vector<std::string> route_address_;  // by StackId; guarded by mutex_
  std::vector<StackId> mine_;               // the stacks held here; guarded by mutex_
  // Engines in the order they were made (the first runs the assigned
  // stacks, each later one the stacks of one Reroute); destroyed with the
  // run, never before it is idle. engine_of_ by StackId. Guarded by mutex_.
  std::vector<std::unique_ptr<Engine>> engines_;
  std::vector<size_t> engine_of_;
  size_t running_ = 0;             // engines started and not idle; guarded by mutex_
  std::shared_ptr<NodeRun> self_;  // held while an engine runs; guarded by mutex_

  TableRoundTrips table_round_trips_;  // for node_.metrics

  std::mutex links_mutex_;
  // By ChannelId: the stream last used for it; guarded by links_mutex_.
  std::vector<std::shared_ptr<PeerLink>> links_;
  // Breaks seen per peer address, for the backoff; guarded by links_mutex_.
  std::unordered_map<std::string, int> breaks_;
};

const char* NodeRunStateName(NodeRun::State state);

}  // namespace cardflow
