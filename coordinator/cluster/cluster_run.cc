#include "coordinator/cluster/cluster_run.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/post.hpp>
#include <memory>
#include <mutex>
#include <optional>

#include "common/report/outcome.h"
#include "common/verify/verifier.h"
#include "coordinator/cluster/node_call.h"
#include "coordinator/cluster/placement.h"
#include "coordinator/cluster/run_table.h"
#include "proto/convert.h"
#include "proto/protocol.h"

namespace cardflow {

std::string DescribeRunError(const Program& program, StackId stack, uint32_t pc,
                             const std::string& what) {
  const StackProgram& s = program.stacks[stack];
  return fmt::format("stack {}, card {} `{}` ({}): {}", s.name, pc + 1, s.card_text[pc],
                     CardPlace(program, stack, pc), what);
}

namespace {

// Owns itself from Launch until it has handed its result to `done`.
class ClusterRun final : private NodeCall::Owner {
 public:
  ClusterRun(const RunPlan& plan, uint64_t run_id, uint64_t seed, asio::any_io_executor executor,
             std::function<void(ClusterRunResult)> done)
      : plan_(plan),
        program_(*plan.program),
        run_id_(run_id),
        seed_(seed),
        executor_(std::move(executor)),
        done_(std::move(done)),
        table_(program_),
        stack_node_(plan.stack_node),
        held_(plan.held),
        alive_(plan.participants.size(), true),
        ready_(plan.participants.size(), false),
        registers_(program_.stacks.size()),
        have_result_(program_.stacks.size(), false),
        reported_(plan.participants.size(), false),
        events_(plan.participants.size()) {
    for (size_t i = 0; i < plan.participants.size(); ++i) {
      const NodeConnections& nodes = *plan.connections;
      calls_.push_back(std::make_unique<NodeCall>(static_cast<NodeCall::Owner&>(*this), i,
                                                  nodes.observer(),
                                                  nodes.node(plan.participants[i]).name));
    }
  }

  void Launch() {
    // Held while the calls start, so that no update (and no End) of an early
    // call is handled before every call has started. Reactions never run
    // inline in StartCall, so this cannot deadlock.
    std::lock_guard lock(mutex_);
    const auto deadline = std::chrono::system_clock::now() + plan_.run_timeout;
    for (size_t i = 0; i < calls_.size(); ++i) {
      const NodeAddress& node = plan_.connections->node(plan_.participants[i]);
      calls_[i]->Start(plan_.connections->raw_stub(plan_.participants[i]), deadline,
                       [&](wire::RunControl& control) { FillAssign(node, control); });
    }
  }

 private:
  void FillAssign(const NodeAddress& node, wire::RunControl& control) const {
    wire::Assign* assign = control.mutable_assign();
    assign->set_run_id(run_id_);
    assign->set_node(node.name);
    assign->set_deck_name(program_.file);
    assign->set_deck_text(plan_.deck_text);
    assign->set_ordering(ToWire(plan_.ordering));
    assign->set_seed(seed_);
    FillRoutes(*assign->mutable_routes());
  }

  // Unlocked only before the calls start.
  void FillRoutes(google::protobuf::RepeatedPtrField<wire::Route>& routes) const {
    for (StackId s = 0; s < program_.stacks.size(); ++s) {
      wire::Route* route = routes.Add();
      route->set_stack(program_.stacks[s].name);
      route->set_node(plan_.connections->node(stack_node_[s]).name);
      route->set_address(plan_.connections->route_address(stack_node_[s]));
    }
  }

  // "run 0123456789abcdef (seed 8)": the id is what the nodes' logs say.
  std::string Label() const { return fmt::format("run {:016x} (seed {})", run_id_, seed_); }

  const NodeAddress& Node(size_t index) const {
    return plan_.connections->node(plan_.participants[index]);
  }

  void OnUpdate(size_t index, const wire::RunUpdate& update) override {
    std::lock_guard lock(mutex_);
    if (ended_ || !alive_[index]) return;  // a node given up for dead may still talk
    if (Status s = CheckProtocol(update.protocol(), "RunUpdate"); !s.ok()) {
      return Fault(index, s.message());
    }
    if (update.ready()) {
      ready_[index] = true;
      StartIfReady();
    }
    if (update.table_size() > 0) ServeTable(index, update);
    if (ended_) return;
    for (const wire::Event& event : update.events()) events_[index].push_back(FromWire(event));
    for (const wire::StackResult& result : update.results()) {
      const StackId s = result.stack();
      if (s >= program_.stacks.size() || !held_[index][s] ||
          static_cast<size_t>(result.registers_size()) != program_.stacks[s].registers.size()) {
        return Fault(index, fmt::format("sent a malformed result for stack {}", s));
      }
      registers_[s].assign(result.registers().begin(), result.registers().end());
      have_result_[s] = true;
    }
    if (update.has_failure()) {
      const wire::StackFailure& failure = update.failure();
      const StackId s = failure.stack();
      if (s >= program_.stacks.size() || !held_[index][s] ||
          failure.pc() >= program_.stacks[s].code.size()) {
        return Fault(index, "sent a malformed run error");
      }
      error_ =
          RunError{s, failure.pc(), DescribeRunError(program_, s, failure.pc(), failure.what())};
      return End(/*cancel=*/true);
    }
    if (update.has_fault()) {
      const wire::NodeFault& fault = update.fault();
      if (fault.node() == Node(index).name) {
        // The node gives up the run itself (it is shutting down): as if it died.
        if (!Recover(index, fmt::format("node {} at {}: {}", Node(index).name, Node(index).address,
                                        fault.message()))) {
          End(/*cancel=*/true);
        }
        return;
      }
      fault_ = UnavailableError(
          fmt::format("{} (reported by node {})", fault.message(), Node(index).name));
      return End(/*cancel=*/true);
    }
    if (update.done()) {
      reported_[index] = true;
      if (Complete()) {
        complete_ = true;
        End(/*cancel=*/false);
      }
    }
  }

  // mutex_ held. Every live node has reported since it last got stacks, and
  // every stack's registers came from the node holding it now.
  bool Complete() const {
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (alive_[i] && !reported_[i]) return false;
    }
    return std::all_of(have_result_.begin(), have_result_.end(), [](bool r) { return r; });
  }

  // mutex_ held. Starts the run once every live node is ready.
  void StartIfReady() {
    if (started_) return;
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (alive_[i] && !ready_[i]) return;
    }
    started_ = true;
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (alive_[i]) calls_[i]->Send(0, [](wire::RunControl& c) { c.set_start(true); });
    }
  }

  // mutex_ held. The node at `index` is gone (its call broke): its stacks
  // start over on the live node holding the fewest, and every live node
  // learns the new routes. False when no live node is left.
  bool Recover(size_t index, const std::string& why) {
    alive_[index] = false;
    events_[index].clear();  // its stacks' events come again from their replay
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
      fault_ =
          UnavailableError(fmt::format("{}; no live node is left to take over stack{} {}", why,
                                       stacks.size() == 1 ? "" : "s", fmt::join(stacks, ", ")));
      return false;
    }
    const std::string& to = Node(target).name;
    for (StackId s = 0; s < program_.stacks.size(); ++s) {
      if (!held_[index][s]) continue;
      held_[index][s] = false;
      held_[target][s] = true;
      stack_node_[s] = plan_.participants[target];
      have_result_[s] = false;
      registers_[s].clear();
      moved_.push_back(MovedStack{program_.stacks[s].name, Node(index).name, to});
    }
    reported_[target] = false;
    spdlog::warn("{}: {}; stack{} {} start{} over on node {}", Label(), why,
                 stacks.size() == 1 ? "" : "s", fmt::join(stacks, ", "),
                 stacks.size() == 1 ? "s" : "", to);
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (!alive_[i]) continue;
      calls_[i]->Send(0, [&](wire::RunControl& control) {
        FillRoutes(*control.mutable_reroute()->mutable_routes());
      });
    }
    StartIfReady();  // the dead node may have been the last one not ready
    return true;
  }

  // mutex_ held.
  void ServeTable(size_t index, const wire::RunUpdate& update) {
    std::vector<wire::TableReply> replies;
    replies.reserve(update.table_size());
    for (const wire::TableRequest& request : update.table()) {
      StatusOr<wire::TableReply> reply = table_.Apply(request, held_[index]);
      if (!reply.ok()) return Fault(index, reply.status().message());
      replies.push_back(std::move(reply).value());
    }
    calls_[index]->Send(replies.size(), [&](wire::RunControl& control) {
      for (wire::TableReply& reply : replies) *control.add_table() = std::move(reply);
    });
  }

  // mutex_ held. The node at `index` misbehaved: the run cannot go on.
  void Fault(size_t index, const std::string& what) {
    fault_ = UnavailableError(
        fmt::format("node {} at {}: {}", Node(index).name, Node(index).address, what));
    End(/*cancel=*/true);
  }

  // mutex_ held. The run is over: close every call (telling the nodes to
  // stop first when `cancel`).
  void End(bool cancel) {
    if (ended_) return;
    ended_ = true;
    for (auto& call : calls_) {
      if (cancel) call->Send(0, [](wire::RunControl& c) { c.set_cancel(true); });
      call->Close();
    }
  }

  void OnCallDone(size_t index, const grpc::Status& status) override {
    bool last;
    {
      std::lock_guard lock(mutex_);
      if (!complete_ && !error_ && fault_.ok() && alive_[index]) {
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
      last = ++calls_done_ == calls_.size();
    }
    if (last) asio::post(executor_, [this] { Finish(); });
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
    out.result.seed = seed_;
    out.fault = fault_;
    out.moved = std::move(moved_);
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (!alive_[i]) out.dead.push_back(plan_.participants[i]);
    }
    if (out.fault.ok() && error_) {
      out.result.error = *error_;
    } else if (out.fault.ok()) {
      FinalState state;
      state.shared = table_.values();
      state.registers = std::move(registers_);
      out.result.values = OutcomeValues(program_, state);
      out.result.expect_ok = ExpectationsHold(program_, state);
      std::vector<Event> events = table_.TakeEvents();
      for (size_t i = 0; i < calls_.size(); ++i) {
        if (alive_[i]) events.insert(events.end(), events_[i].begin(), events_[i].end());
      }
      std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
        return std::tie(a.lamport, a.stack) < std::tie(b.lamport, b.stack);
      });
      const Verdict verdict = VerifyRun(program_, events);
      out.result.order_violation = verdict.order_violations > 0;
      if (!verdict.faults.empty()) {
        out.fault = InternalError(
            fmt::format("{} broke happens-before: {}", Label(), verdict.faults.front()));
      }
      out.result.events = std::move(events);
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
  std::vector<std::unique_ptr<NodeCall>> calls_;  // by participant; fixed after construction
  RunTable table_;

  std::mutex mutex_;
  // Where the stacks are now: the plan's placement until recovery moves
  // some. By StackId / per participant; guarded by mutex_.
  std::vector<size_t> stack_node_;
  std::vector<std::vector<bool>> held_;
  std::vector<bool> alive_;                      // per participant; guarded by mutex_
  std::vector<bool> ready_;                      // per participant; guarded by mutex_
  bool started_ = false;                         // guarded by mutex_
  std::vector<std::vector<int64_t>> registers_;  // by StackId; guarded by mutex_
  std::vector<bool> have_result_;                // by StackId; guarded by mutex_
  // Per participant: reported done since it last got stacks; guarded by mutex_.
  std::vector<bool> reported_;
  std::vector<std::vector<Event>> events_;  // per participant; guarded by mutex_
  std::vector<MovedStack> moved_;           // guarded by mutex_
  std::optional<RunError> error_;           // guarded by mutex_
  Status fault_;                            // guarded by mutex_
  bool complete_ = false;                   // every node reported; guarded by mutex_
  bool ended_ = false;                      // guarded by mutex_
  size_t calls_done_ = 0;                   // guarded by mutex_
};

}  // namespace

void LaunchClusterRun(const RunPlan& plan, uint64_t run_id, uint64_t seed,
                      asio::any_io_executor executor, std::function<void(ClusterRunResult)> done) {
  auto* run = new ClusterRun(plan, run_id, seed, std::move(executor), std::move(done));
  run->Launch();
}

}  // namespace cardflow
