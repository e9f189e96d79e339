#include "coordinator/cluster/cluster_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <asio/post.hpp>
#include <memory>
#include <mutex>
#include <optional>

#include "common/report/outcome.h"
#include "common/verify/verifier.h"
#include "coordinator/cluster/node_call.h"
#include "coordinator/cluster/run_table.h"
#include "proto/convert.h"
#include "proto/protocol.h"

namespace cardflow {

std::string DescribeRunError(const Program& program, StackId stack, uint32_t pc,
                             const std::string& what) {
  const StackProgram& s = program.stacks[stack];
  return fmt::format("stack {}, card {} `{}` (line {}): {}", s.name, pc + 1, s.card_text[pc],
                     s.code[pc].line, what);
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
        registers_(program_.stacks.size()),
        reported_(plan.participants.size(), false) {
    for (size_t i = 0; i < plan.participants.size(); ++i) {
      calls_.push_back(std::make_unique<NodeCall>(static_cast<NodeCall::Owner&>(*this), i));
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
      calls_[i]->Start(plan_.connections->stub(plan_.participants[i]), deadline,
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
    for (StackId s = 0; s < program_.stacks.size(); ++s) {
      const NodeAddress& holder = plan_.connections->node(plan_.stack_node[s]);
      wire::Route* route = assign->add_routes();
      route->set_stack(program_.stacks[s].name);
      route->set_node(holder.name);
      route->set_address(holder.address);
    }
  }

  // "run 0123456789abcdef (seed 8)": the id is what the nodes' logs say.
  std::string Label() const { return fmt::format("run {:016x} (seed {})", run_id_, seed_); }

  const NodeAddress& Node(size_t index) const {
    return plan_.connections->node(plan_.participants[index]);
  }

  void OnUpdate(size_t index, const wire::RunUpdate& update) override {
    std::lock_guard lock(mutex_);
    if (ended_) return;
    if (Status s = CheckProtocol(update.protocol(), "RunUpdate"); !s.ok()) {
      return Fault(index, s.message());
    }
    if (update.ready() && ++ready_ == calls_.size()) {
      for (auto& call : calls_) call->Send(0, [](wire::RunControl& c) { c.set_start(true); });
    }
    if (update.table_size() > 0) ServeTable(index, update);
    if (ended_) return;
    for (const wire::Event& event : update.events()) events_.push_back(FromWire(event));
    for (const wire::StackResult& result : update.results()) {
      const StackId s = result.stack();
      if (s >= program_.stacks.size() || !plan_.held[index][s] ||
          static_cast<size_t>(result.registers_size()) != program_.stacks[s].registers.size()) {
        return Fault(index, fmt::format("sent a malformed result for stack {}", s));
      }
      registers_[s].assign(result.registers().begin(), result.registers().end());
    }
    if (update.has_failure()) {
      const wire::StackFailure& failure = update.failure();
      const StackId s = failure.stack();
      if (s >= program_.stacks.size() || !plan_.held[index][s] ||
          failure.pc() >= program_.stacks[s].code.size()) {
        return Fault(index, "sent a malformed run error");
      }
      error_ =
          RunError{s, failure.pc(), DescribeRunError(program_, s, failure.pc(), failure.what())};
      return End(/*cancel=*/true);
    }
    if (update.has_fault()) {
      const wire::NodeFault& fault = update.fault();
      fault_ = UnavailableError(
          fmt::format("{} (reported by node {})", fault.message(), Node(index).name));
      return End(/*cancel=*/true);
    }
    if (update.done()) {
      reported_[index] = true;
      if (std::all_of(reported_.begin(), reported_.end(), [](bool r) { return r; })) {
        complete_ = true;
        End(/*cancel=*/false);
      }
    }
  }

  // mutex_ held.
  void ServeTable(size_t index, const wire::RunUpdate& update) {
    std::vector<wire::TableReply> replies;
    replies.reserve(update.table_size());
    for (const wire::TableRequest& request : update.table()) {
      StatusOr<wire::TableReply> reply = table_.Apply(request, plan_.held[index]);
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
      if (!complete_ && !error_ && fault_.ok()) {
        if (!status.ok()) {
          fault_ = CallFault(index, status);
        } else if (!reported_[index]) {
          fault_ = UnavailableError(fmt::format("node {} at {} ended the run before it finished",
                                                Node(index).name, Node(index).address));
        }
        End(/*cancel=*/true);
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
    if (out.fault.ok() && error_) {
      out.result.error = *error_;
    } else if (out.fault.ok()) {
      FinalState state;
      state.shared = table_.values();
      state.registers = std::move(registers_);
      out.result.values = OutcomeValues(program_, state);
      out.result.expect_ok = ExpectationsHold(program_, state);
      std::vector<Event> table_events = table_.TakeEvents();
      events_.insert(events_.end(), table_events.begin(), table_events.end());
      std::sort(events_.begin(), events_.end(), [](const Event& a, const Event& b) {
        return std::tie(a.lamport, a.stack) < std::tie(b.lamport, b.stack);
      });
      const Verdict verdict = VerifyRun(program_, events_);
      out.result.order_violation = verdict.order_violations > 0;
      if (!verdict.faults.empty()) {
        out.fault = InternalError(
            fmt::format("{} broke happens-before: {}", Label(), verdict.faults.front()));
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
  std::vector<std::unique_ptr<NodeCall>> calls_;  // by participant; fixed after construction
  RunTable table_;

  std::mutex mutex_;
  size_t ready_ = 0;                             // guarded by mutex_
  std::vector<std::vector<int64_t>> registers_;  // by StackId; guarded by mutex_
  std::vector<bool> reported_;                   // per participant: sent done; guarded by mutex_
  std::vector<Event> events_;                    // guarded by mutex_
  std::optional<RunError> error_;                // guarded by mutex_
  Status fault_;                                 // guarded by mutex_
  bool complete_ = false;                        // every node reported; guarded by mutex_
  bool ended_ = false;                           // guarded by mutex_
  size_t calls_done_ = 0;                        // guarded by mutex_
};

}  // namespace

void LaunchClusterRun(const RunPlan& plan, uint64_t run_id, uint64_t seed,
                      asio::any_io_executor executor, std::function<void(ClusterRunResult)> done) {
  auto* run = new ClusterRun(plan, run_id, seed, std::move(executor), std::move(done));
  run->Launch();
}

}  // namespace cardflow
