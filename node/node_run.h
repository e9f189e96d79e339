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
// Messages: NodeRun speaks the domain messages of common/run/run_messages.h
// (namespace msg); the reactors at the RPC edge (RunStream, DeliverStream)
// convert them to and from wire messages (proto/convert.h).
//
// Ids: the run's NodeProgram (common/deck/node_program.h) numbers the
// stacks and channels this node knows densely; the Engine and RemoteEffects
// use those local ids, and NodeRun converts to and from the deck's ids at
// this edge — every message in and out (requests, grants, replies,
// callbacks, arrivals, events, results, failures) goes through it. A
// callback for a channel the node does not know yet (its receiver is being
// moved here by a Reroute still on its way) waits until the Reroute comes.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/base/mutex.h"
#include "common/deck/node_program.h"
#include "common/deck/program.h"
#include "common/engine/engine.h"
#include "common/run/run_messages.h"
#include "common/schedule/step.h"
#include "common/status/status.h"
#include "node/node_context.h"
#include "node/node_metrics.h"
#include "node/peer_link.h"
#include "node/remote_effects.h"
#include "node/run_assignment.h"

namespace cardflow {

class NodeRun final : public std::enable_shared_from_this<NodeRun>,
                      private RemoteEffects::Transport {
 public:
  // Where the run's updates go: its Run stream. Called with NodeRun's
  // lock held: queue, never block. Every Send is false once the stream is
  // closed.
  class Updates {
   public:
    virtual ~Updates() = default;
    // Merged with what is queued (many requests or arrivals per message).
    virtual bool Send(const msg::TableRequest& request) = 0;
    virtual bool Send(const msg::Arrival& arrival) = 0;
    // In a message of its own (a failure, a fault, the results).
    virtual bool SendSeparate(const msg::RunUpdate& update) = 0;
    enum class Room { kRoom, kFull, kClosed };
    // A batch of streamed events (the deck's ids), in a message of its own
    // whose bytes count as unsent until written. kFull: more than the
    // stream's bound is unsent; the stream calls NodeRun::Drained() once it
    // is back under it (or closed). The default (no bound) is SendSeparate.
    virtual Room SendEvents(std::vector<Event> events) {
      msg::RunUpdate update;
      update.events = std::move(events);
      return SendSeparate(update) ? Room::kRoom : Room::kClosed;
    }
  };

  enum class State { kAssigned, kRunning, kFinished, kFailed, kCancelled };

  // Events per streamed batch (one RunUpdate each; about 100 KB on the wire).
  static constexpr size_t kEventsPerBatch = 4096;
  // Stacks' results per update at the end of a run (the last says `done`).
  static constexpr size_t kResultsPerUpdate = 4096;
  // Callbacks go out again after 2 x this after a stream broke, doubling
  // with each further break up to kMaxResendBackoff; each wait is drawn
  // between half and all of that (jitter: resends do not fall into step
  // with a fault that recurs at a fixed period, such as a link reset every
  // second).
  static constexpr std::chrono::milliseconds kFirstResendBackoff{10};
  static constexpr std::chrono::milliseconds kMaxResendBackoff{1000};
  // Breaks in a row with no callback delivered between them after which a
  // run gives the peer up: about 4 to 7 s of backoff.
  static constexpr int kMaxBreaks = 12;

  // Most callbacks held for channels not known yet (see above).
  static constexpr size_t kMaxEarlyCallbacks = 1 << 20;

  // Opens the streams to the peers its stacks send callbacks to.
  // INVALID_ARGUMENT for a run id 0. `node` must outlive the run.
  static StatusOr<std::shared_ptr<NodeRun>> Create(const RunAssignment& assign, NodeContext& node);

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
  // broke kMaxBreaks times in a row in this run with no callback delivered
  // in between (a TLS name mismatch, a peer that never answers), the run
  // fails instead: NodeFault naming the node there. `delivered`: the stream
  // that broke had delivered callbacks (of any run) to the peer — the
  // network worked, so the count of breaks starts over.
  void PeerLost(const std::string& address, const std::string& why, bool permanent = false,
                bool delivered = false);

  // The Run stream's unsent events fell back under its bound: the stacks
  // parked by back-pressure go on.
  void Drained();
  // Stacks parked by back-pressure now.
  size_t HeldStacks() const;

  // INVALID_ARGUMENT naming what does not fit the run (a stack or channel
  // this node does not hold, a card the stack is not waiting at).
  Status OnTableReply(const msg::TableReply& reply);
  // Seeded shuffle: the coordinator's go-ahead for one step.
  Status OnGrant(const msg::StepGrant& grant);
  Status Arrive(const msg::Callback& callback);
  // Recovery: stacks of a dead node moved, maybe here (with their code in
  // `reroute.grown`). INVALID_ARGUMENT, with nothing changed, when it does
  // not fit the run or takes a stack away from this node;
  // FAILED_PRECONDITION when it was not built on program() as it is now.
  Status Reroute(const msg::RerouteAtNode& reroute);

  // The program as it stands (it grows when this node takes stacks over).
  // Valid as long as the run.
  const NodeProgram& program() const { return *program_.load(std::memory_order_acquire); }

 private:
  NodeRun(const RunAssignment& assign, NodeContext& node);

  // The deck's ids of local ones, and the event with the deck's ids.
  StackId GlobalStack(StackId local) const { return program().stack_global[local]; }
  ChannelId GlobalChannel(ChannelId local) const { return program().channel_global[local]; }
  Event ToGlobal(Event event) const;

  // RemoteEffects::Transport
  void SendRequest(StackId stack, uint32_t pc, msg::TableOp op, uint32_t var, int64_t value,
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
  std::vector<Engine*> EnginesLocked() const REQUIRES(mutex_);
  void CancelEngines();  // every engine of the run; mutex_ not held
  // To updates_, if attached; false if not or the stream is closed.
  template <typename Message>
  bool SendUpdate(const Message& message) EXCLUDES(mutex_);
  bool SendSeparate(const msg::RunUpdate& update) EXCLUDES(mutex_);
  // kAssigned/kRunning (and kFinished if `from_finished`) -> `to`; returns
  // the state it left, or nullopt if the run had already ended.
  std::optional<State> EndAs(State to, bool from_finished = false);

  NodeContext& node_;
  const uint64_t id_;
  const bool gated_;  // --shuffle seeded: every visible step waits for a Grant

  mutable Mutex mutex_;
  // Every program the run had (the first, then one per Reroute that gave
  // stacks here): engines made on one keep using it.
  std::vector<std::shared_ptr<const NodeProgram>> programs_ GUARDED_BY(mutex_);
  std::atomic<const NodeProgram*> program_;  // the last of programs_
  RemoteEffects effects_;

  State state_ GUARDED_BY(mutex_) = State::kAssigned;
  Updates* updates_ GUARDED_BY(mutex_) = nullptr;
  // By local StackId: index into program().nodes of where it runs now.
  std::vector<uint32_t> stack_node_ GUARDED_BY(mutex_);
  // Callbacks for channels not known yet.
  std::vector<msg::Callback> early_ GUARDED_BY(mutex_);
  std::vector<StackId> mine_ GUARDED_BY(mutex_);  // the stacks held here
  // Engines in the order they were made (the first runs the assigned
  // stacks, each later one the stacks of one Reroute); destroyed with the
  // run, never before it is idle. engine_of_ by StackId.
  std::vector<std::unique_ptr<Engine>> engines_ GUARDED_BY(mutex_);
  std::vector<size_t> engine_of_ GUARDED_BY(mutex_);
  size_t running_ GUARDED_BY(mutex_) = 0;             // engines started and not idle
  std::shared_ptr<NodeRun> self_ GUARDED_BY(mutex_);  // held while an engine runs

  TableRoundTrips table_round_trips_;  // for node_.metrics

  Mutex links_mutex_;
  // By ChannelId: the stream last used for it.
  std::vector<std::shared_ptr<PeerLink>> links_ GUARDED_BY(links_mutex_);
  // Breaks seen per peer address, for the backoff.
  std::unordered_map<std::string, int> breaks_ GUARDED_BY(links_mutex_);
  std::minstd_rand jitter_ GUARDED_BY(links_mutex_);  // the resend backoff's; seeded by the run id
  // Peer addresses with a resend scheduled. Until it fires, a further break
  // reported for the address (the stream's own end, each callback that
  // found it closed) is the same outage: it counts once, one resend serves
  // all.
  std::unordered_set<std::string> resend_pending_ GUARDED_BY(links_mutex_);
};

const char* NodeRunStateName(NodeRun::State state);

}  // namespace cardflow
