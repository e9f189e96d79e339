#include "node/node_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "node/node_metrics.h"
#include "proto/convert.h"

namespace cardflow {

const char* NodeRunStateName(NodeRun::State state) {
  switch (state) {
    case NodeRun::State::kAssigned:
      return "assigned";
    case NodeRun::State::kRunning:
      return "running";
    case NodeRun::State::kFinished:
      return "finished";
    case NodeRun::State::kFailed:
      return "failed";
    case NodeRun::State::kCancelled:
      return "cancelled";
  }
  return "?";
}

StatusOr<std::shared_ptr<NodeRun>> NodeRun::Create(const wire::Assign& assign, NodeContext& node) {
  if (assign.run_id() == 0) return InvalidArgumentError("assign has no run_id");
  if (assign.node().empty()) return InvalidArgumentError("assign names no node");
  if (assign.ordering() != wire::ORDERING_CALLBACKS && assign.ordering() != wire::ORDERING_NONE) {
    return InvalidArgumentError(fmt::format("assign has unknown ordering {}", assign.ordering()));
  }
  auto program =
      node.programs.Get(assign.deck_text(), assign.deck_name(), FromWire(assign.ordering()));
  if (!program.ok()) return program.status();
  const Program& p = **program;
  if (static_cast<size_t>(assign.routes_size()) != p.stacks.size()) {
    return InvalidArgumentError(fmt::format("assign routes {} stacks, the deck has {}",
                                            assign.routes_size(), p.stacks.size()));
  }
  std::vector<bool> mine(p.stacks.size(), false);
  bool any = false;
  for (StackId s = 0; s < p.stacks.size(); ++s) {
    const wire::Route& route = assign.routes(static_cast<int>(s));
    if (route.stack() != p.stacks[s].name) {
      return InvalidArgumentError(
          fmt::format("route {} names stack '{}', the deck's stack {} is {}", s + 1, route.stack(),
                      s + 1, p.stacks[s].name));
    }
    if (route.node().empty() || route.address().empty()) {
      return InvalidArgumentError(
          fmt::format("route of stack {} names no node or address", p.stacks[s].name));
    }
    mine[s] = route.node() == assign.node();
    any = any || mine[s];
  }
  if (!any) {
    return InvalidArgumentError(fmt::format("assign routes no stack to node {}", assign.node()));
  }
  auto run = std::shared_ptr<NodeRun>(new NodeRun(assign, node, std::move(program).value(), mine));
  for (ChannelId c = 0; c < p.channels.size(); ++c) {
    const Channel& channel = p.channels[c];
    if (!mine[channel.from] || mine[channel.to]) continue;
    run->links_[c] = node.peers->Get(run->route_address_[channel.to]);
    if (!run->links_[c])
      return UnavailableError(fmt::format("node {} is shutting down", node.name));
  }
  return run;
}

NodeRun::NodeRun(const wire::Assign& assign, NodeContext& node,
                 std::shared_ptr<const Program> program, std::vector<bool> mine)
    : node_(node),
      id_(assign.run_id()),
      program_(std::move(program)),
      links_(program_->channels.size()),
      effects_(*program_, FromWire(assign.ordering()), mine, *this,
               node.on_event || node.metrics
                   ? EventObserver([&node, id = assign.run_id()](const Event& event) {
                       if (node.metrics) node.metrics->Observe(event);
                       if (node.on_event) node.on_event(id, event);
                     })
                   : EventObserver()),
      engine_(
          *program_,
          [&mine] {
            std::vector<StackId> ids;
            for (StackId s = 0; s < mine.size(); ++s) {
              if (mine[s]) ids.push_back(s);
            }
            return ids;
          }(),
          effects_, node.executor) {
  mine_ = engine_.stacks();
  for (const wire::Route& route : assign.routes()) {
    route_node_.push_back(route.node());
    route_address_.push_back(route.address());
  }
}

NodeRun::~NodeRun() = default;

std::string NodeRun::Label() const { return fmt::format("run {:016x}", id_); }

NodeRun::State NodeRun::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

void NodeRun::Attach(Updates* updates) {
  std::lock_guard lock(mutex_);
  updates_ = updates;
}

void NodeRun::Detach() {
  {
    std::lock_guard lock(mutex_);
    updates_ = nullptr;
  }
  Cancel("its Run stream ended");
}

Status NodeRun::Start() {
  {
    std::lock_guard lock(mutex_);
    if (state_ != State::kAssigned) {
      return FailedPreconditionError(
          fmt::format("{} cannot start: it is {}", Label(), NodeRunStateName(state_)));
    }
    state_ = State::kRunning;
    self_ = shared_from_this();  // released by OnIdle
  }
  node_.log->debug("{}: starting {} stacks", Label(), mine_.size());
  engine_.Start([this] { OnIdle(); });
  return Status::Ok();
}

std::optional<NodeRun::State> NodeRun::EndAs(State to) {
  std::lock_guard lock(mutex_);
  if (state_ != State::kAssigned && state_ != State::kRunning) return std::nullopt;
  return std::exchange(state_, to);
}

void NodeRun::Cancel(std::string_view why) {
  const auto was = EndAs(State::kCancelled);
  if (!was) return;
  node_.log->info("{}: cancelled while {}: {}", Label(), NodeRunStateName(*was), why);
  if (*was == State::kRunning) engine_.Cancel();
  node_.runs.Changed();
}

void NodeRun::Fault(std::string_view node, std::string_view address, std::string_view why) {
  const auto was = EndAs(State::kFailed);
  if (!was) return;
  node_.log->warn("{}: cannot go on: {}", Label(), why);
  SendSeparate([&](wire::RunUpdate& update) {
    wire::NodeFault* fault = update.mutable_fault();
    fault->set_node(std::string(node));
    fault->set_address(std::string(address));
    fault->set_message(std::string(why));
  });
  if (*was == State::kRunning) engine_.Cancel();
  node_.runs.Changed();
}

void NodeRun::PeerLost(const std::string& address, const std::string& why) {
  const auto it = std::find(route_address_.begin(), route_address_.end(), address);
  const std::string name =
      it == route_address_.end() ? address : route_node_[it - route_address_.begin()];
  Fault(name, address, fmt::format("node {}: {}", name, why));
}

Status NodeRun::OnTableReply(const wire::TableReply& reply) {
  return effects_.OnTableReply(reply.stack(), reply.pc(), reply.value(), reply.lamport());
}

Status NodeRun::Arrive(const wire::Callback& callback) {
  return effects_.Arrive(callback.channel(), callback.seq(), callback.value(), callback.lamport());
}

void NodeRun::SendTableRequest(StackId stack, uint32_t pc, bool write, VarId var, int64_t value,
                               uint64_t lamport) {
  SendUpdate(1, [&](wire::RunUpdate& update) {
    wire::TableRequest* request = update.add_table();
    request->set_stack(stack);
    request->set_pc(pc);
    request->set_op(write ? wire::TABLE_WRITE : wire::TABLE_READ);
    request->set_var(var);
    request->set_value(value);
    request->set_lamport(lamport);
  });
}

void NodeRun::SendCallback(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport) {
  PeerLink& link = *links_[channel];
  if (!link.Send(id_, channel, seq, value, lamport)) {
    PeerLost(link.address(), fmt::format("callback stream to {} is closed", link.address()));
  }
}

void NodeRun::StackFailed(StackId stack, uint32_t pc, const char* what) {
  if (!EndAs(State::kFailed)) return;
  node_.log->info("{}: stack {} failed at card {}: {}", Label(), program_->stacks[stack].name,
                  pc + 1, what);
  SendSeparate([&](wire::RunUpdate& update) {
    wire::StackFailure* failure = update.mutable_failure();
    failure->set_stack(stack);
    failure->set_pc(pc);
    failure->set_what(what);
  });
  engine_.Cancel();  // from inside an engine handler: the engine is not idle yet
  node_.runs.Changed();
}

// The engine is idle: every stack here ended, or the run was stopped.
void NodeRun::OnIdle() {
  bool finished = false;
  {
    std::lock_guard lock(mutex_);
    if (state_ == State::kRunning) {
      state_ = State::kFinished;
      finished = true;
    }
  }
  if (finished) {
    if (node_.metrics) {
      uint64_t cards = 0;
      for (StackId s : mine_) cards += program_->stacks[s].code.size();
      node_.metrics->RunFinished(cards);
    }
    SendResults();
    node_.log->debug("{}: finished", Label());
  }
  node_.runs.Changed();
  auto self = std::move(self_);  // may destroy *this (and the engine): the last thing done
}

void NodeRun::SendResults() {
  std::vector<Event> events = effects_.TakeEvents();
  for (size_t first = 0; first < events.size(); first += kEventsPerMessage) {
    const size_t last = std::min(events.size(), first + kEventsPerMessage);
    SendSeparate([&](wire::RunUpdate& update) {
      update.mutable_events()->Reserve(static_cast<int>(last - first));
      for (size_t i = first; i < last; ++i) ToWire(events[i], update.add_events());
    });
  }
  SendSeparate([&](wire::RunUpdate& update) {
    for (StackId s : mine_) {
      wire::StackResult* result = update.add_results();
      result->set_stack(s);
      const std::vector<int64_t>& registers = engine_.Registers(s);
      result->mutable_registers()->Add(registers.begin(), registers.end());
    }
    update.set_done(true);
  });
}

bool NodeRun::SendUpdate(size_t items, const std::function<void(wire::RunUpdate&)>& fill) {
  std::lock_guard lock(mutex_);
  return updates_ != nullptr && updates_->Send(items, fill);
}

bool NodeRun::SendSeparate(const std::function<void(wire::RunUpdate&)>& fill) {
  std::lock_guard lock(mutex_);
  return updates_ != nullptr && updates_->SendSeparate(fill);
}

}  // namespace cardflow
