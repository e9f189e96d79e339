#include "coordinator/cluster/cluster_run.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/post.hpp>
#include <memory>
#include <optional>

#include "common/run/fold_run.h"
#include "common/schedule/seeded_scheduler.h"
#include "common/verify/verifier.h"
#include "coordinator/cluster/node_call.h"
#include "coordinator/cluster/placement.h"
#include "coordinator/cluster/run_table.h"

namespace cardflow {

void RecoveryLog::NodeLost(const std::string& node, const std::string& why,
                           const std::vector<std::string>& stacks, const std::string& to) {
  {
    MutexLock lock(mutex_);
    if (!lost_.insert(node).second) return;
  }
  spdlog::warn(
      "{}; stack{} {} start{} over on node {} in every run in flight that held {}; later runs "
      "place {} on the live nodes until node {} answers again",
      why, stacks.size() == 1 ? "" : "s", fmt::join(stacks, ", "), stacks.size() == 1 ? "s" : "",
      to, stacks.size() == 1 ? "it" : "them", stacks.size() == 1 ? "it" : "them", node);
}

void RecoveryLog::NodeUnreachable(const std::string& node, const std::string& why,
                                  const std::vector<std::string>& stacks) {
  {
    MutexLock lock(mutex_);
    lost_.insert(node);
  }
  if (stacks.empty()) {
    spdlog::warn("{}; the runs start without node {} (it holds no stacks)", why, node);
    return;
  }
  spdlog::warn(
      "{}; the runs start without it: stack{} {} run{} on the live nodes until node {} "
      "answers",
      why, stacks.size() == 1 ? "" : "s", fmt::join(stacks, ", "), stacks.size() == 1 ? "s" : "",
      node);
}

void RecoveryLog::NodeBack(const std::string& node) {
  {
    MutexLock lock(mutex_);
    if (lost_.erase(node) == 0) return;
  }
  spdlog::info("node {} answers again: it takes its stacks back from the next run on", node);
}

namespace {

// The most events one run of `program` records, the table's included: code
// is straight-line, so each card runs at most once — a notify records its
// send and its arrival, every other visible card one event. (A recovery's
// replay first drops the events it records again.)
size_t EventBound(const Program& program) {
  size_t bound = 0;
  for (const Instr& instr : program.code) {
    if (IsVisible(instr.op)) bound += instr.op == Op::kNotify ? 2 : 1;
  }
  return bound;
}

// One past the last stack `observed` marks (0 when none is).
size_t ObservedEnd(const std::vector<bool>& observed) {
  const auto last = std::find(observed.rbegin(), observed.rend(), true);
  return static_cast<size_t>(observed.rend() - last);
}

// Owns itself from Launch until it has handed its result to `done`.
class ClusterRun final : private RunCall::Owner {
 public:
  ClusterRun(const RunPlan& plan, uint64_t run_id, uint64_t seed, asio::any_io_executor executor,
             std::function<void(ClusterRunResult)> done, const RunCallFactory& open)
      : plan_(plan),
        program_(*plan.program),
        run_id_(run_id),
        seed_(seed),
        executor_(std::move(executor)),
        done_(std::move(done)),
        table_(program_),
        held_(plan.held),
        alive_(plan.participants.size(), true),
        ready_(plan.participants.size(), false),
        asked_program_(plan.participants.size(), false),
        registers_(ObservedEnd(plan.observed)),
        have_result_(program_.stacks.size(), false),
        reported_(plan.participants.size(), false),
        holder_(program_.stacks.size(), 0) {
    for (size_t i = 0; i < plan.participants.size(); ++i) {
      for (StackId s = 0; s < program_.stacks.size(); ++s) {
        if (held_[i][s]) holder_[s] = i;
      }
    }
    if (plan.shuffle == Shuffle::kSeeded) {
      scheduler_ = std::make_unique<SeededScheduler>(program_, *plan.steps, plan.ordering, seed,
                                                     std::make_unique<FifoDelivery>(program_),
                                                     plan.prefix, /*arrivals_reported=*/true);
      history_.resize(program_.stacks.size());
    } else {
      // Address space only: pages are touched as events come.
      events_.reserve(EventBound(program_));
    }
    RunCall::Owner& owner = *this;
    for (size_t i = 0; i < plan.participants.size(); ++i) {
      if (open) {
        calls_.push_back(open(owner, i));
        continue;
      }
      const NodeConnections& nodes = *plan.connections;
      const size_t node = plan.participants[i];
      calls_.push_back(std::make_unique<NodeCall>(owner, i, nodes.raw_stub(node), nodes.observer(),
                                                  nodes.node(node).name));
    }
  }

  void Launch() {
    // Held while the calls start, so that no update (and no End) of an early
    // call is handled before every call has started. Reactions never run
    // inline in StartCall, so this cannot deadlock.
    MutexLock lock(mutex_);
    const auto deadline = std::chrono::system_clock::now() + plan_.run_timeout;
    for (size_t i = 0; i < calls_.size(); ++i) {
      const bool with_program =
          plan_.connections->FirstSend(plan_.participants[i], plan_.program_keys[i]);
      calls_[i]->Start(deadline, AssignOf(i, with_program));
    }
  }

 private:
  // With `with_program`, the Assign carries the node's program, built now
  // (RunPlan::ProgramBytes).
  msg::Assign AssignOf(size_t index, bool with_program) const {
    msg::Assign assign;
    assign.run_id = run_id_;
    assign.deck_name = program_.file;
    assign.ordering = plan_.ordering;
    assign.seed = seed_;
    assign.shuffle = plan_.shuffle;
    assign.program_key = plan_.program_keys[index];
    if (with_program) assign.program = plan_.ProgramBytes(index);
    return assign;
  }

  // "run 0123456789abcdef (seed 8)": the id is what the nodes' logs say.
  std::string Label() const { return fmt::format("run {:016x} (seed {})", run_id_, seed_); }

  const NodeAddress& Node(size_t index) const {
    return plan_.connections->node(plan_.participants[index]);
  }

  void OnUpdate(size_t index, StatusOr<msg::RunUpdate> taken) override {
    MutexLock lock(mutex_);
    if (ended_ || !alive_[index]) return;  // a node given up for dead may still talk
    if (!taken.ok()) return Fault(index, taken.status().message());
    msg::RunUpdate& update = *taken;
    if (update.missing_program) {
      if (ready_[index] || asked_program_[index]) {
        return Fault(index, "asked for its program after it had it");
      }
      asked_program_[index] = true;
      calls_[index]->Send(AssignOf(index, /*with_program=*/true));
      return;
    }
    if (update.ready) {
      ready_[index] = true;
      StartIfReady();
    }
    if (scheduler_) {
      if (!Sequence(index, update)) return;
    } else {
      if (!update.table.empty()) ServeTable(index, update.table);
      if (ended_) return;
    }
    for (const Event& event : update.events) {
      if (!EventFits(program_, event)) {
        return Fault(index, fmt::format("sent an event that does not fit the deck: {} of stack #{}",
                                        EventKindName(event.kind), event.stack));
      }
      if (!held_[index][event.stack]) {
        return Fault(index, fmt::format("sent an event of stack {}, which it does not hold",
                                        program_.stacks[event.stack].name));
      }
    }
    events_.insert(events_.end(), update.events.begin(), update.events.end());
    for (msg::StackResult& result : update.results) {
      const StackId s = result.stack;
      if (s >= program_.stacks.size() || !held_[index][s] ||
          result.registers.size() != program_.stacks[s].registers) {
        return Fault(index, fmt::format("sent a malformed result for stack {}", s));
      }
      // Only the registers an outcome or expect reads are kept (a big
      // deck's others would be an allocation per stack for nothing).
      if (plan_.observed[s]) registers_[s] = std::move(result.registers);
      have_result_[s] = true;
    }
    if (update.failure && !scheduler_) {
      const msg::StackFailure& failure = *update.failure;
      const StackId s = failure.stack;
      if (s >= program_.stacks.size() || !held_[index][s] ||
          failure.pc >= program_.Code(s).size()) {
        return Fault(index, "sent a malformed run error");
      }
      error_ = RunStop{s, failure.pc, failure.what};
      return End(/*cancel=*/true);
    }
    if (update.fault) {
      const msg::NodeFault& fault = *update.fault;
      if (fault.node == Node(index).name) {
        // The node gives up the run itself (it is shutting down): as if it died.
        if (!Recover(index, fmt::format("node {} at {}: {}", Node(index).name, Node(index).address,
                                        fault.message))) {
          End(/*cancel=*/true);
        }
        return;
      }
      fault_ = UnavailableError(
          fmt::format("{} (reported by node {})", fault.message, Node(index).name));
      return End(/*cancel=*/true);
    }
    if (update.done) {
      reported_[index] = true;
      if (Complete()) {
        complete_ = true;
        End(/*cancel=*/false);
      }
    }
  }

  // Every live node has reported since it last got stacks, and
  // every stack's registers came from the node holding it now (and, seeded,
  // the scheduler has taken every step).
  bool Complete() const REQUIRES(mutex_) {
    if (scheduler_ && !scheduler_->ended()) return false;
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (alive_[i] && !reported_[i]) return false;
    }
    return std::all_of(have_result_.begin(), have_result_.end(), [](bool r) { return r; });
  }

  // Starts the run once every live node is ready.
  void StartIfReady() REQUIRES(mutex_) {
    if (started_) return;
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (alive_[i] && !ready_[i]) return;
    }
    started_ = true;
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (alive_[i]) calls_[i]->SendStart();
    }
    if (spdlog::should_log(spdlog::level::debug)) {
      spdlog::debug("{}: every node has its stacks; started", Label());
    }
  }

  // The node at `index` is gone (its call broke): its stacks
  // start over on the live node holding the fewest, and every live node
  // learns the new routes. False when no live node is left.
  bool Recover(size_t index, const std::string& why) REQUIRES(mutex_) {
    alive_[index] = false;
    // Its stacks' events, those it streamed so far too, come again from
    // their replay; what it sends from now on is ignored (alive_). A node
    // records events of the stacks it holds only (a callback reaches a node
    // only once the routes place its receiver there), so its events are
    // those of the stacks it holds now (OnUpdate refuses any other). Reads
    // and writes are the table's events, which stay: the replay's requests
    // get the recorded replies and record nothing new (a node records no
    // read or write).
    const std::vector<bool>& dead = held_[index];
    events_.erase(std::remove_if(events_.begin(), events_.end(),
                                 [&](const Event& event) {
                                   return !IsTableEvent(event.kind) && dead[event.stack];
                                 }),
                  events_.end());
    std::vector<size_t> load;
    for (const std::vector<bool>& held : held_) {
      load.push_back(static_cast<size_t>(std::count(held.begin(), held.end(), true)));
    }
    const size_t target = LeastLoaded(load, alive_);
    std::vector<std::string> stacks;
    for (StackId s = 0; s < program_.stacks.size(); ++s) {
      if (held_[index][s]) stacks.push_back(program_.stacks[s].name);
    }
    if (target == calls_.size()) {
      // Name the nodes lost before this one too: each was only a warning.
      std::vector<std::string> earlier;
      for (size_t i = 0; i < calls_.size(); ++i) {
        if (i != index && !alive_[i]) earlier.push_back(Node(i).name);
      }
      fault_ = UnavailableError(fmt::format(
          "{}; no live node is left to take over stack{} {}{}", why, stacks.size() == 1 ? "" : "s",
          fmt::join(stacks, ", "),
          earlier.empty() ? std::string()
                          : fmt::format(" (node{} {} {} lost earlier in this run)",
                                        earlier.size() == 1 ? "" : "s", fmt::join(earlier, ", "),
                                        earlier.size() == 1 ? "was" : "were")));
      return false;
    }
    const std::string& to = Node(target).name;
    std::vector<StackId> adopted;
    for (StackId s = 0; s < program_.stacks.size(); ++s) {
      if (!held_[index][s]) continue;
      adopted.push_back(s);
      held_[index][s] = false;
      held_[target][s] = true;
      holder_[s] = target;
      if (scheduler_) scheduler_->Forget(s);
      have_result_[s] = false;
      if (s < registers_.size()) registers_[s].clear();
      moved_.push_back(MovedStack{program_.stacks[s].name, Node(index).name, to});
    }
    reported_[target] = false;
    if (plan_.recovery_log) {
      plan_.recovery_log->NodeLost(Node(index).name, why, stacks, to);
      spdlog::debug("{}: stacks {} start over on node {}", Label(), fmt::join(stacks, ", "), to);
    } else {
      spdlog::warn("{}; stack{} {} start{} over on node {}", why, stacks.size() == 1 ? "" : "s",
                   fmt::join(stacks, ", "), stacks.size() == 1 ? "s" : "", to);
    }
    msg::Reroute reroute;
    for (StackId s : adopted) reroute.moves.push_back(msg::Move{s, static_cast<uint32_t>(target)});
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (!alive_[i]) continue;
      if (i == target) {
        msg::Reroute to_target = reroute;
        to_target.adopted =
            msg::Reroute::Adopted{&program_, std::vector<uint32_t>(holder_.begin(), holder_.end()),
                                  &plan_.nodes, static_cast<uint32_t>(target), adopted};
        calls_[i]->Send(to_target);
      } else {
        calls_[i]->Send(reroute);
      }
    }
    StartIfReady();  // the dead node may have been the last one not ready
    return true;
  }

  // The card (1-based) stack `s` is granted next under the seeded shuffle:
  // a node may ask for it, not for any later one.
  uint32_t NextGrantedCard(StackId s) const REQUIRES(mutex_) {
    return plan_.steps->VisiblePc(s, scheduler_->StepsTaken(s)) + 1;
  }

  // Seeded shuffle: what the node at `index` reports goes to
  // the scheduler, and the steps it can take now are granted. False when
  // the update ended the run.
  bool Sequence(size_t index, const msg::RunUpdate& update) REQUIRES(mutex_) {
    for (const msg::TableRequest& request : update.table) {
      if (!StepAsked(index, request)) return false;
    }
    if (update.failure) {
      const msg::StackFailure& failure = *update.failure;
      const StackId s = failure.stack;
      if (s >= program_.stacks.size() || !held_[index][s] ||
          failure.pc >= program_.Code(s).size()) {
        Fault(index, "sent a malformed run error");
        return false;
      }
      if (plan_.steps->StepAt(s, failure.pc) > scheduler_->StepsTaken(s)) {
        Fault(index, fmt::format("says stack {} failed at card {}, past card {} it was not "
                                 "granted yet",
                                 program_.stacks[s].name, failure.pc + 1, NextGrantedCard(s)));
        return false;
      }
      if (plan_.steps->StepAt(s, failure.pc) < scheduler_->StepsTaken(s)) {
        Fault(index, fmt::format("stack {} failed at card {} when started over, which it had "
                                 "passed the first time",
                                 program_.stacks[s].name, failure.pc + 1));
        return false;
      }
      scheduler_->Park(s, StepRequest::Failure(failure.pc, failure.what));
    }
    for (const msg::Arrival& arrival : update.arrived) {
      const ChannelId c = arrival.channel;
      if (c >= program_.channels.size() || !held_[index][program_.channels[c].to] ||
          arrival.seq == 0) {
        Fault(index, fmt::format("reported callback #{} on channel {}, not one of its stacks'",
                                 arrival.seq, c));
        return false;
      }
      if (arrival.seq <= scheduler_->TakenIn(c)) {
        SendTakeIn(c);  // a stack started over: taken in before, taken in again
      } else {
        scheduler_->Arrived(c);
      }
    }
    grants_.clear();
    const bool ended = scheduler_->Pump(grants_);
    for (const Grant& grant : grants_) {
      if (grant.step.is_arrival()) {
        SendTakeIn(grant.step.id);
        continue;
      }
      history_[grant.step.id].push_back(grant);
      if (!grant.end) SendGrant(grant);
    }
    if (!ended) return true;
    if (scheduler_->stop()) {
      End(/*cancel=*/true);
      return false;
    }
    if (Complete()) {
      complete_ = true;
      End(/*cancel=*/false);
      return false;
    }
    return true;
  }

  // Seeded: a stack of the node at `index` reached the visible
  // card `request` names (or its end). False when that was a fault.
  bool StepAsked(size_t index, const msg::TableRequest& request) REQUIRES(mutex_) {
    const StackId s = request.stack;
    if (s >= program_.stacks.size() || !held_[index][s]) {
      Fault(index, fmt::format("asked for a step of stack {}, which it does not hold", s));
      return false;
    }
    const StackProgram& stack = program_.stacks[s];
    const uint32_t pc = request.pc;
    const StepPlan& steps = *plan_.steps;
    if (request.op == msg::TableOp::kEnd) {
      if (pc != stack.code_size) {
        Fault(index, fmt::format("says stack {} ended at card {}", stack.name, pc + 1));
        return false;
      }
      const uint32_t k = steps.StepAt(s, pc);
      const bool replayed =
          scheduler_->IsDone(s) || (k < steps.Steps(s) && k < scheduler_->StepsTaken(s));
      if (!replayed && k > scheduler_->StepsTaken(s)) {
        Fault(index, fmt::format("says stack {} ended before it was granted card {}", stack.name,
                                 NextGrantedCard(s)));
        return false;
      }
      if (!replayed) scheduler_->Done(s);
      return true;
    }
    const uint32_t k = pc < stack.code_size ? steps.StepAt(s, pc) : steps.Steps(s);
    if (k >= steps.Steps(s) || steps.VisiblePc(s, k) != pc ||
        request.op != ExpectedOp(program_.Code(s)[pc].op)) {
      Fault(index,
            fmt::format("asked for card {} of stack {} as no such step", pc + 1, stack.name));
      return false;
    }
    if (k > scheduler_->StepsTaken(s)) {  // a stack waits at each step until granted
      Fault(index, fmt::format("asked for card {} of stack {} before it was granted card {}",
                               pc + 1, stack.name, NextGrantedCard(s)));
      return false;
    }
    if (k < scheduler_->StepsTaken(s)) {  // started over: the step was taken before
      const Grant& grant = history_[s][k];
      if (!grant.end) SendGrant(grant);
      return true;
    }
    scheduler_->Park(s, StepRequest::Card(pc, request.value));
    return true;
  }

  static msg::TableOp ExpectedOp(Op op) {
    switch (op) {
      case Op::kRead:
        return msg::TableOp::kRead;
      case Op::kWrite:
        return msg::TableOp::kWrite;
      case Op::kAwait:
        return msg::TableOp::kAwait;
      case Op::kNotify:
        return msg::TableOp::kNotify;
      case Op::kPrint:
        return msg::TableOp::kPrint;
      default:
        return msg::TableOp::kEnd;  // never a step's card: no request matches
    }
  }

  // Tells the node holding the grant's stack to take its step.
  void SendGrant(const Grant& grant) REQUIRES(mutex_) {
    const StackId s = grant.step.id;
    const bool await = program_.Code(s)[grant.pc].op == Op::kAwait;
    const int64_t value = await ? (grant.value ? 1 : 0) : grant.value.value_or(0);
    calls_[holder_[s]]->Send(msg::StepGrant{s, grant.pc, value, /*take_in=*/false, 0});
  }

  // Tells the node holding `channel`'s receiver to take its
  // oldest held callback in.
  void SendTakeIn(ChannelId channel) REQUIRES(mutex_) {
    calls_[holder_[program_.channels[channel].to]]->Send(
        msg::StepGrant{0, 0, 0, /*take_in=*/true, channel});
  }

  void ServeTable(size_t index, const std::vector<msg::TableRequest>& requests) REQUIRES(mutex_) {
    std::vector<msg::TableReply> replies;
    replies.reserve(requests.size());
    for (const msg::TableRequest& request : requests) {
      StatusOr<msg::TableReply> reply = table_.Apply(request, held_[index], events_);
      if (!reply.ok()) return Fault(index, reply.status().message());
      replies.push_back(*reply);
    }
    calls_[index]->Send(replies);
  }

  // The node at `index` misbehaved: the run cannot go on.
  void Fault(size_t index, const std::string& what) REQUIRES(mutex_) {
    fault_ = UnavailableError(
        fmt::format("node {} at {}: {}", Node(index).name, Node(index).address, what));
    End(/*cancel=*/true);
  }

  // The run is over: close every call (telling the nodes to
  // stop first when `cancel`).
  void End(bool cancel) REQUIRES(mutex_) {
    if (ended_) return;
    ended_ = true;
    for (auto& call : calls_) {
      if (cancel) call->SendCancel();
      call->Close();
    }
  }

  void OnCallDone(size_t index, const grpc::Status& status) override {
    {
      MutexLock lock(mutex_);
      // A call ending after the run stopped on a run error is no death; one
      // ending after the scheduler took every step but before its node sent
      // its results is (its stacks replay from the history elsewhere).
      if (!complete_ && !error_ && !(scheduler_ && scheduler_->stop()) && fault_.ok() &&
          alive_[index]) {
        const bool gone = status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                          status.error_code() == grpc::StatusCode::CANCELLED || status.ok();
        Status why =
            status.ok()
                ? UnavailableError(fmt::format("node {} at {} ended {} before it finished",
                                               Node(index).name, Node(index).address, Label()))
                : CallFault(index, status);
        if (!gone || !Recover(index, why.message())) {
          if (fault_.ok()) fault_ = why;
          End(/*cancel=*/true);
        }
      }
      // Posted under the lock, which Finish takes first: asio wakes the
      // finisher after unlocking its queue, so without the lock the run could
      // finish, and the RunLoop destroy the pool, while this thread is still
      // signalling the pool's condition variable (a use after free TSan saw).
      if (++calls_done_ == calls_.size()) asio::post(executor_, [this] { Finish(); });
    }
  }

  Status CallFault(size_t index, const grpc::Status& status) const {
    const NodeAddress& node = Node(index);
    switch (status.error_code()) {
      case grpc::StatusCode::UNAVAILABLE:
        return UnavailableError(fmt::format("node {} at {} vanished during {}: {}", node.name,
                                            node.address, Label(), status.error_message()));
      case grpc::StatusCode::DEADLINE_EXCEEDED:
        return DeadlineExceededError(fmt::format("node {} at {} did not finish {} within {} s",
                                                 node.name, node.address, Label(),
                                                 plan_.run_timeout.count() / 1000.0));
      case grpc::StatusCode::CANCELLED:
        return UnavailableError(fmt::format("node {} at {} cancelled {} (shutting down?): {}",
                                            node.name, node.address, Label(),
                                            status.error_message()));
      default:
        return UnavailableError(
            fmt::format("node {} at {} ended {} with error {}: {}", node.name, node.address,
                        Label(), static_cast<int>(status.error_code()), status.error_message()));
    }
  }

  // Every call is over: nothing else touches this run.
  void Finish() {
    ClusterRunResult out;
    {
      MutexLock lock(mutex_);  // first: the last OnCallDone posts this under it
      out.fault = fault_;
      out.moved = std::move(moved_);
      for (size_t i = 0; i < calls_.size(); ++i) {
        if (!alive_[i]) out.dead.push_back(plan_.participants[i]);
      }
      if (out.fault.ok()) {
        RunEnd end;
        end.seed = seed_;
        if (scheduler_) {
          end.stop = scheduler_->stop();
          end.state.shared = scheduler_->table();
          end.events = std::move(scheduler_->events());
          end.schedule = std::move(scheduler_->schedule());
        } else {
          end.stop = error_;
          end.state.shared = table_.values();
          // The nodes' and the table's events were gathered into the vector
          // reserved for the run: the run's events are held once.
          end.events = std::move(events_);
          std::sort(end.events.begin(), end.events.end(), [](const Event& a, const Event& b) {
            return std::tie(a.lamport, a.stack) < std::tie(b.lamport, b.stack);
          });
        }
        end.state.registers = std::move(registers_);
        out.result = FoldRun(program_, *plan_.steps, std::move(end), plan_.keep_events);
      }
    }
    auto done = std::move(done_);
    delete this;
    done(std::move(out));
  }

  const RunPlan& plan_;
  const Program& program_;
  const uint64_t run_id_;
  const uint64_t seed_;
  const asio::any_io_executor executor_;
  std::function<void(ClusterRunResult)> done_;
  std::vector<std::unique_ptr<RunCall>> calls_;  // by participant; fixed after construction
  RunTable table_;

  Mutex mutex_;
  // Where the stacks are now: the plan's placement until recovery moves
  // some. By StackId / per participant.
  std::vector<std::vector<bool>> held_ GUARDED_BY(mutex_);
  std::vector<bool> alive_ GUARDED_BY(mutex_);          // per participant
  std::vector<bool> ready_ GUARDED_BY(mutex_);          // per participant
  std::vector<bool> asked_program_ GUARDED_BY(mutex_);  // per participant: sent missing_program
  bool started_ GUARDED_BY(mutex_) = false;
  // By StackId, up to the last stack an outcome or expect reads (none: a
  // 100,000-stack deck whose outcome is a shared variable keeps no 2.4 MB
  // of empty vectors).
  std::vector<std::vector<int64_t>> registers_ GUARDED_BY(mutex_);
  std::vector<bool> have_result_ GUARDED_BY(mutex_);  // by StackId
  // Per participant: reported done since it last got stacks.
  std::vector<bool> reported_ GUARDED_BY(mutex_);
  // Network shuffle: the events every live node streamed and the table's,
  // as they came (not sorted), in one vector reserved for the most a run can
  // record (EventBound): no reallocation, no second copy.
  std::vector<Event> events_ GUARDED_BY(mutex_);
  std::vector<MovedStack> moved_ GUARDED_BY(mutex_);
  std::optional<RunStop> error_ GUARDED_BY(mutex_);  // network: a run error
  // Seeded shuffle: the scheduler, each stack's grants by step (for a stack
  // that starts over), scratch.
  std::unique_ptr<SeededScheduler> scheduler_ GUARDED_BY(mutex_);
  std::vector<std::vector<Grant>> history_ GUARDED_BY(mutex_);
  std::vector<Grant> grants_ GUARDED_BY(mutex_);
  std::vector<size_t> holder_ GUARDED_BY(mutex_);  // by StackId: the participant holding it
  Status fault_ GUARDED_BY(mutex_);
  bool complete_ GUARDED_BY(mutex_) = false;  // every node reported
  bool ended_ GUARDED_BY(mutex_) = false;
  size_t calls_done_ GUARDED_BY(mutex_) = 0;
};

}  // namespace

void LaunchClusterRun(const RunPlan& plan, uint64_t run_id, uint64_t seed,
                      asio::any_io_executor executor, std::function<void(ClusterRunResult)> done,
                      const RunCallFactory& open) {
  auto* run = new ClusterRun(plan, run_id, seed, std::move(executor), std::move(done), open);
  run->Launch();
}

}  // namespace cardflow
