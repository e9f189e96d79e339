#include "node/node_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <asio/steady_timer.hpp>
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
  if (assign.shuffle() != wire::SHUFFLE_NETWORK && assign.shuffle() != wire::SHUFFLE_SEEDED) {
    return InvalidArgumentError(fmt::format("assign has unknown shuffle {}", assign.shuffle()));
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
  // Open the streams the stacks here will send on now, not at the first callback.
  for (ChannelId c = 0; c < p.channels.size(); ++c) {
    const Channel& channel = p.channels[c];
    if (!mine[channel.from] || mine[channel.to]) continue;
    if (!run->LinkFor(c))
      return UnavailableError(fmt::format("node {} is shutting down", node.name));
  }
  return run;
}

NodeRun::NodeRun(const wire::Assign& assign, NodeContext& node,
                 std::shared_ptr<const Program> program, std::vector<bool> mine)
    : node_(node),
      id_(assign.run_id()),
      self_name_(assign.node()),
      gated_(assign.shuffle() == wire::SHUFFLE_SEEDED),
      program_(std::move(program)),
      effects_(*program_, FromWire(assign.ordering()), mine, *this,
               node.on_event || node.metrics
                   ? EventObserver([&node, id = assign.run_id()](const Event& event) {
                       if (node.metrics) node.metrics->Observe(event);
                       if (node.on_event) node.on_event(id, event);
                     })
                   : EventObserver(),
               gated_, kEventsPerBatch),
      engine_of_(program_->stacks.size(), 0),
      links_(program_->channels.size()) {
  for (StackId s = 0; s < mine.size(); ++s) {
    if (mine[s]) mine_.push_back(s);
  }
  engines_.push_back(std::make_unique<Engine>(*program_, mine_, effects_, node.executor));
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
  // engines_ only grows under mutex_ and its engines live as long as the run.
  std::vector<Engine*> engines;
  {
    std::lock_guard lock(mutex_);
    if (state_ != State::kAssigned) {
      return FailedPreconditionError(
          fmt::format("{} cannot start: it is {}", Label(), NodeRunStateName(state_)));
    }
    state_ = State::kRunning;
    self_ = shared_from_this();  // released by the OnIdle of the last engine
    running_ = engines_.size();
    node_.log->debug("{}: starting {} stacks", Label(), mine_.size());
    engines = EnginesLocked();
  }
  for (size_t i = 0; i < engines.size(); ++i) engines[i]->Start([this, i] { OnIdle(i); });
  return Status::Ok();
}

void NodeRun::CancelEngines() {
  std::vector<Engine*> engines;
  {
    std::lock_guard lock(mutex_);
    engines = EnginesLocked();
  }
  // Outside the lock: a cancelled engine may go idle at once, and OnIdle locks.
  for (Engine* engine : engines) engine->Cancel();
}

std::vector<Engine*> NodeRun::EnginesLocked() const {
  std::vector<Engine*> engines;
  for (const auto& engine : engines_) engines.push_back(engine.get());
  return engines;
}

std::optional<NodeRun::State> NodeRun::EndAs(State to, bool from_finished) {
  std::lock_guard lock(mutex_);
  if (state_ != State::kAssigned && state_ != State::kRunning &&
      !(from_finished && state_ == State::kFinished)) {
    return std::nullopt;
  }
  return std::exchange(state_, to);
}

void NodeRun::Cancel(std::string_view why) {
  const auto was = EndAs(State::kCancelled);
  if (!was) return;
  node_.log->info("{}: cancelled while {}: {}", Label(), NodeRunStateName(*was), why);
  if (*was == State::kRunning) CancelEngines();
  node_.runs.Changed();
}

void NodeRun::Fault(std::string_view node, std::string_view address, std::string_view why) {
  // Also once finished: the callbacks it still has to deliver may be stuck.
  const auto was = EndAs(State::kFailed, /*from_finished=*/true);
  if (!was) return;
  node_.log->warn("{}: cannot go on: {}", Label(), why);
  SendSeparate([&](wire::RunUpdate& update) {
    wire::NodeFault* fault = update.mutable_fault();
    fault->set_node(std::string(node));
    fault->set_address(std::string(address));
    fault->set_message(std::string(why));
  });
  if (*was == State::kRunning) CancelEngines();
  node_.runs.Changed();
}

void NodeRun::PeerLost(const std::string& address, const std::string& why, bool permanent) {
  std::string name = address;
  {
    std::lock_guard lock(mutex_);
    if (state_ != State::kRunning && state_ != State::kFinished) return;
    const auto it = std::find(route_address_.begin(), route_address_.end(), address);
    if (it != route_address_.end()) name = route_node_[it - route_address_.begin()];
  }
  int breaks;
  {
    std::lock_guard lock(links_mutex_);
    breaks = ++breaks_[address];
  }
  if (permanent || breaks >= kMaxBreaks) {
    Fault(name, address,
          fmt::format("node {}: {}{}", name, why,
                      permanent ? "" : fmt::format(" ({} times: giving up)", breaks)));
    return;
  }
  const auto backoff =
      std::min(kMaxResendBackoff, kFirstResendBackoff * (1 << std::min(breaks, 10)));
  node_.log->info("{}: {}; sending its callbacks again in {} ms", Label(), why, backoff.count());
  auto timer = std::make_shared<asio::steady_timer>(node_.executor, backoff);
  timer->async_wait([timer, run = weak_from_this(), address](const std::error_code& error) {
    if (error) return;
    if (auto self = run.lock()) self->ResendTo(address);
  });
}

void NodeRun::ResendTo(const std::string& address) {
  std::vector<StackId> receivers;
  {
    std::lock_guard lock(mutex_);
    if (state_ != State::kRunning && state_ != State::kFinished) return;
    for (StackId s = 0; s < route_address_.size(); ++s) {
      if (route_address_[s] == address) receivers.push_back(s);
    }
  }
  for (StackId s : receivers) ResendTo(s);
}

void NodeRun::ResendTo(StackId receiver) {
  if (effects_.IsMine(receiver)) return;
  for (const RemoteEffects::SentCallback& sent : effects_.SentTo(receiver)) {
    SendCallback(sent.channel, sent.seq, sent.value, sent.lamport);
  }
}

Status NodeRun::Reroute(const wire::Reroute& reroute) {
  const Program& p = *program_;
  if (static_cast<size_t>(reroute.routes_size()) != p.stacks.size()) {
    return InvalidArgumentError(fmt::format("reroute routes {} stacks, the deck has {}",
                                            reroute.routes_size(), p.stacks.size()));
  }
  std::vector<StackId> moved;
  std::vector<StackId> adopted;
  Engine* start = nullptr;
  size_t start_index = 0;
  {
    std::lock_guard lock(mutex_);
    // Validated whole before anything changes: a bad reroute leaves the
    // routes as they were.
    for (StackId s = 0; s < p.stacks.size(); ++s) {
      const wire::Route& route = reroute.routes(static_cast<int>(s));
      if (route.stack() != p.stacks[s].name || route.node().empty() || route.address().empty()) {
        return InvalidArgumentError(fmt::format("reroute of stack {} is malformed", s + 1));
      }
      if (route.node() == route_node_[s] && route.address() == route_address_[s]) continue;
      if (route_node_[s] == self_name_) {
        return InvalidArgumentError(
            fmt::format("reroute moves stack {} away from node {}, which holds it",
                        p.stacks[s].name, self_name_));
      }
    }
    for (StackId s = 0; s < p.stacks.size(); ++s) {
      const wire::Route& route = reroute.routes(static_cast<int>(s));
      if (route.node() == route_node_[s] && route.address() == route_address_[s]) continue;
      moved.push_back(s);
      route_node_[s] = route.node();
      route_address_[s] = route.address();
      if (route.node() == self_name_) adopted.push_back(s);
    }
    if (state_ != State::kAssigned && state_ != State::kRunning && state_ != State::kFinished) {
      return Status::Ok();  // over: nothing to carry on
    }
    if (!adopted.empty()) {
      effects_.Adopt(adopted);
      engines_.push_back(std::make_unique<Engine>(*program_, adopted, effects_, node_.executor));
      for (StackId s : adopted) {
        engine_of_[s] = engines_.size() - 1;
        mine_.push_back(s);
      }
      if (state_ != State::kAssigned) {  // else Start starts it with the others
        state_ = State::kRunning;
        if (running_++ == 0) self_ = shared_from_this();
        start = engines_.back().get();
        start_index = engines_.size() - 1;
      }
    }
  }
  {
    std::lock_guard lock(links_mutex_);
    for (ChannelId c = 0; c < p.channels.size(); ++c) {
      if (std::find(moved.begin(), moved.end(), p.channels[c].to) != moved.end()) links_[c].reset();
    }
  }
  effects_.FlushArrivals();  // the callbacks Adopt held, outside mutex_ (SendUpdate takes it)
  for (StackId s : adopted) {
    node_.log->info("{}: took over stack {} (starting it over)", Label(), p.stacks[s].name);
  }
  if (start) start->Start([this, start_index] { OnIdle(start_index); });
  for (StackId s : moved) ResendTo(s);
  return Status::Ok();
}

Status NodeRun::OnTableReply(const wire::TableReply& reply) {
  table_round_trips_.Answered(reply.stack(), node_.metrics);  // before the stack resumes
  return effects_.OnTableReply(reply.stack(), reply.pc(), reply.value(), reply.lamport());
}

Status NodeRun::Arrive(const wire::Callback& callback) {
  return effects_.Arrive(callback.channel(), callback.seq(), callback.value(), callback.lamport());
}

Status NodeRun::OnGrant(const wire::Grant& grant) {
  if (!gated_) return InvalidArgumentError("a grant for a run the network shuffles");
  if (grant.take_in()) return effects_.TakeIn(grant.channel());
  return effects_.OnTableReply(grant.stack(), grant.pc(), grant.value(), 0);
}

void NodeRun::SendRequest(StackId stack, uint32_t pc, RemoteEffects::Ask ask, uint32_t var,
                          int64_t value, uint64_t lamport) {
  using Ask = RemoteEffects::Ask;
  if (ask == Ask::kRead || ask == Ask::kWrite) table_round_trips_.Asked(stack, node_.metrics);
  // In Ask's order.
  static constexpr wire::TableOp kOps[] = {wire::TABLE_READ,  wire::TABLE_WRITE, wire::TABLE_AWAIT,
                                           wire::STEP_NOTIFY, wire::STEP_PRINT,  wire::STEP_END};
  static_assert(static_cast<int>(Ask::kEnd) == 5);
  const wire::TableOp op = kOps[static_cast<int>(ask)];
  SendUpdate(1, [&](wire::RunUpdate& update) {
    wire::TableRequest* request = update.add_table();
    request->set_stack(stack);
    request->set_pc(pc);
    request->set_op(op);
    request->set_var(var);
    request->set_value(value);
    request->set_lamport(lamport);
  });
}

void NodeRun::ReportArrival(ChannelId channel, uint64_t seq) {
  SendUpdate(1, [&](wire::RunUpdate& update) {
    wire::Arrival* arrival = update.add_arrived();
    arrival->set_channel(channel);
    arrival->set_seq(seq);
  });
}

std::shared_ptr<PeerLink> NodeRun::LinkFor(ChannelId channel) {
  std::string address;
  {
    std::lock_guard lock(mutex_);
    address = route_address_[program_->channels[channel].to];
  }
  std::lock_guard lock(links_mutex_);
  std::shared_ptr<PeerLink>& link = links_[channel];
  if (!link || !link->usable() || link->address() != address) link = node_.peers->Get(address);
  return link;
}

void NodeRun::SendCallback(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport) {
  std::shared_ptr<PeerLink> link = LinkFor(channel);
  if (!link) return;  // shutting down: the run ends with a fault
  if (!link->Send(id_, channel, seq, value, lamport)) {
    PeerLost(link->address(), fmt::format("callback stream to {} is closed", link->address()));
  }
}

void NodeRun::StackFailed(StackId stack, uint32_t pc, const char* what) {
  // Seeded (gated): a step like the others, the coordinator ends the run
  // when it takes it; the other stacks go on until then.
  if (!gated_ && !EndAs(State::kFailed)) return;
  node_.log->log(gated_ ? spdlog::level::debug : spdlog::level::info,
                 "{}: stack {} failed at card {}: {}", Label(), program_->stacks[stack].name,
                 pc + 1, what);
  SendSeparate([&](wire::RunUpdate& update) {
    wire::StackFailure* failure = update.mutable_failure();
    failure->set_stack(stack);
    failure->set_pc(pc);
    failure->set_what(what);
  });
  if (gated_) return;
  CancelEngines();  // from inside a handler of one of them: that engine is not idle yet
  node_.runs.Changed();
}

// Engine `index` is idle: its stacks ended, or the run was stopped.
void NodeRun::OnIdle(size_t index) {
  bool finished = false;
  std::vector<StackId> stacks;
  std::vector<Engine*> engines;
  std::shared_ptr<NodeRun> self;
  {
    std::lock_guard lock(mutex_);
    if (--running_ == 0) {
      if (state_ == State::kRunning) {
        state_ = State::kFinished;
        finished = true;
        stacks = mine_;  // every engine of these is idle
        engines = EnginesLocked();
      }
      self = std::move(self_);  // may destroy *this: released last
    }
  }
  if (finished) {
    if (node_.metrics) {
      uint64_t cards = 0;
      for (StackId s : stacks) cards += program_->stacks[s].code.size();
      node_.metrics->RunFinished(cards);
    }
    SendResults(stacks, engines);
    node_.log->debug("{}: finished (engine {})", Label(), index);
  }
  node_.runs.Changed();
}

bool NodeRun::SendEvents(std::vector<Event> events) {
  if (gated_ || events.empty()) return true;  // seeded: the coordinator records them
  Updates::Room room;
  {
    std::lock_guard lock(mutex_);
    if (updates_ == nullptr) return true;  // nobody to tell: the run is over
    room = updates_->SendEvents([&](wire::RunUpdate& update) {
      update.mutable_events()->Reserve(static_cast<int>(events.size()));
      for (const Event& event : events) ToWire(event, update.add_events());
    });
  }
  return room != Updates::Room::kFull;
}

void NodeRun::Drained() { effects_.Drained(); }

size_t NodeRun::HeldStacks() const { return effects_.HeldStacks(); }

void NodeRun::SendResults(const std::vector<StackId>& stacks, const std::vector<Engine*>& engines) {
  std::vector<size_t> engine_of;
  {
    std::lock_guard lock(mutex_);
    engine_of = engine_of_;
  }
  // The events not streamed yet go first, then the results: no batch comes
  // after `done`.
  effects_.FlushEvents([&] {
    SendSeparate([&](wire::RunUpdate& update) {
      for (StackId s : stacks) {
        wire::StackResult* result = update.add_results();
        result->set_stack(s);
        const std::vector<int64_t>& registers = engines[engine_of[s]]->Registers(s);
        result->mutable_registers()->Add(registers.begin(), registers.end());
      }
      update.set_done(true);
    });
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
