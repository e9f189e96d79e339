#include "node/node_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <asio/steady_timer.hpp>
#include <utility>

#include "node/node_metrics.h"

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

StatusOr<std::shared_ptr<NodeRun>> NodeRun::Create(const RunAssignment& assign, NodeContext& node) {
  if (assign.run_id == 0) return InvalidArgumentError("assign has no run_id");
  auto run = std::shared_ptr<NodeRun>(new NodeRun(assign, node));
  // Open the streams the stacks here will send on now, not at the first callback.
  const NodeProgram& p = *assign.program;
  for (ChannelId c = 0; c < p.program.channels.size(); ++c) {
    const Channel& channel = p.program.channels[c];
    if (p.stack_node[channel.from] != p.self || p.stack_node[channel.to] == p.self) continue;
    if (!run->LinkFor(c))
      return UnavailableError(fmt::format("node {} is shutting down", node.name));
  }
  return run;
}

namespace {

std::vector<bool> Mine(const NodeProgram& program) {
  std::vector<bool> mine(program.known(), false);
  for (StackId s : program.Own()) mine[s] = true;
  return mine;
}

}  // namespace

NodeRun::NodeRun(const RunAssignment& assign, NodeContext& node)
    : node_(node),
      id_(assign.run_id),
      gated_(assign.shuffle == Shuffle::kSeeded),
      programs_{assign.program},
      program_(assign.program.get()),
      effects_(assign.program->program, assign.ordering, Mine(*assign.program), *this,
               node.on_event || node.metrics ? EventObserver([this](const Event& event) {
                 if (node_.metrics) node_.metrics->Observe(event);
                 if (node_.on_event) node_.on_event(id_, ToGlobal(event));
               })
                                             : EventObserver(),
               gated_, kEventsPerBatch),
      stack_node_(assign.program->stack_node),
      mine_(assign.program->Own()),
      engine_of_(assign.program->known(), 0),
      links_(assign.program->program.channels.size()),
      jitter_(static_cast<std::minstd_rand::result_type>(assign.run_id % 0x7fff'fffe + 1)) {
  engines_.push_back(
      std::make_unique<Engine>(assign.program->program, mine_, effects_, node.executor));
}

Event NodeRun::ToGlobal(Event event) const {
  const NodeProgram& p = program();
  event.stack = p.stack_global[event.stack];
  if (IsCallbackEvent(event.kind)) event.set_channel(p.channel_global[event.channel()]);
  return event;
}

NodeRun::~NodeRun() = default;

std::string NodeRun::Label() const { return fmt::format("run {:016x}", id_); }

NodeRun::State NodeRun::state() const {
  MutexLock lock(mutex_);
  return state_;
}

void NodeRun::Attach(Updates* updates) {
  MutexLock lock(mutex_);
  updates_ = updates;
}

void NodeRun::Detach() {
  {
    MutexLock lock(mutex_);
    updates_ = nullptr;
  }
  Cancel("its Run stream ended");
}

Status NodeRun::Start() {
  // engines_ only grows under mutex_ and its engines live as long as the run.
  std::vector<Engine*> engines;
  {
    MutexLock lock(mutex_);
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
    MutexLock lock(mutex_);
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
  MutexLock lock(mutex_);
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
  msg::RunUpdate update;
  update.fault = msg::NodeFault{std::string(node), std::string(address), std::string(why)};
  SendSeparate(update);
  if (*was == State::kRunning) CancelEngines();
  node_.runs.Changed();
}

void NodeRun::PeerLost(const std::string& address, const std::string& why, bool permanent,
                       bool delivered) {
  std::string name = address;
  {
    MutexLock lock(mutex_);
    if (state_ != State::kRunning && state_ != State::kFinished) return;
    for (const RunNode& node : program().nodes) {
      if (node.address == address) name = node.name;
    }
  }
  int breaks;
  std::chrono::milliseconds backoff;
  {
    MutexLock lock(links_mutex_);
    if (!permanent && !resend_pending_.insert(address).second) return;
    int& count = breaks_[address];
    if (delivered) count = 0;  // the peer was reachable since the last break
    breaks = ++count;
    const auto full =
        std::min(kMaxResendBackoff, kFirstResendBackoff * (1 << std::min(breaks, 10)));
    backoff = std::chrono::milliseconds(
        std::uniform_int_distribution<int64_t>(full.count() / 2, full.count())(jitter_));
  }
  if (permanent || breaks >= kMaxBreaks) {
    Fault(name, address,
          fmt::format("node {}: {}{}", name, why,
                      permanent ? "" : fmt::format(" ({} times: giving up)", breaks)));
    return;
  }
  node_.log->info("{}: {}; sending its callbacks again in {} ms", Label(), why, backoff.count());
  auto timer = std::make_shared<asio::steady_timer>(node_.executor, backoff);
  timer->async_wait([timer, run = weak_from_this(), address](const std::error_code& error) {
    if (error) return;
    if (auto self = run.lock()) {
      {
        MutexLock lock(self->links_mutex_);
        self->resend_pending_.erase(address);
      }
      self->ResendTo(address);
    }
  });
}

void NodeRun::ResendTo(const std::string& address) {
  std::vector<StackId> receivers;
  {
    MutexLock lock(mutex_);
    if (state_ != State::kRunning && state_ != State::kFinished) return;
    const std::vector<RunNode>& nodes = program().nodes;
    for (StackId s = 0; s < stack_node_.size(); ++s) {
      if (nodes[stack_node_[s]].address == address) receivers.push_back(s);
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

Status NodeRun::Reroute(const msg::RerouteAtNode& reroute) {
  std::vector<StackId> moved;    // local ids
  std::vector<StackId> adopted;  // local ids
  std::vector<msg::Callback> early;
  Engine* start = nullptr;
  size_t start_index = 0;
  {
    MutexLock lock(mutex_);
    // Validated whole before anything changes: a bad reroute leaves the
    // run as it was.
    const NodeProgram& before = program();
    if (reroute.base != &before) {
      return FailedPreconditionError(
          fmt::format("{}: a reroute built on a program the run no longer has", Label()));
    }
    const std::shared_ptr<const NodeProgram>& extended = reroute.grown;
    const NodeProgram& after = extended ? *extended : before;
    struct Move {
      StackId local;
      uint32_t node;
      bool was_mine;
    };
    std::vector<Move> moves;
    size_t given = 0;  // moves that give this node a stack
    for (const msg::Move& move : reroute.moves) {
      if (move.stack >= after.deck_stacks || move.node >= after.nodes.size()) {
        return InvalidArgumentError(
            fmt::format("reroute moves stack id {} to node #{}: no such {}", move.stack, move.node,
                        move.stack >= after.deck_stacks ? "stack" : "node"));
      }
      const auto local = after.LocalStack(move.stack);
      if (!local) {
        if (move.node == after.self) {
          return InvalidArgumentError(
              fmt::format("reroute gives stack id {} to node {} without its code", move.stack,
                          after.nodes[after.self].name));
        }
        continue;  // a stack this node does not talk to
      }
      const bool was_mine = *local < stack_node_.size() && stack_node_[*local] == after.self;
      if (was_mine && move.node != after.self) {
        return InvalidArgumentError(
            fmt::format("reroute moves stack {} away from node {}, which holds it",
                        after.StackName(*local), after.nodes[after.self].name));
      }
      if (move.node == after.self && !was_mine) {
        if (after.stack_node[*local] != after.self) {
          return InvalidArgumentError(
              fmt::format("reroute gives stack {} to node {} without its code",
                          after.StackName(*local), after.nodes[after.self].name));
        }
        ++given;
      }
      moves.push_back(Move{*local, move.node, was_mine});
    }
    if (extended && extended->Own().size() != before.Own().size() + given) {
      return InvalidArgumentError(fmt::format(
          "reroute gives node {} the code of {} stacks and moves {} there",
          after.nodes[after.self].name, extended->Own().size() - before.Own().size(), given));
    }
    if (extended) {
      programs_.push_back(extended);
      program_.store(extended.get(), std::memory_order_release);
      // New to this node: placed as the coordinator says (moves below agree).
      for (size_t s = stack_node_.size(); s < extended->stack_node.size(); ++s) {
        stack_node_.push_back(extended->stack_node[s]);
      }
      engine_of_.resize(extended->known(), 0);
      effects_.Extend(extended->program, extended->known());
      early.swap(early_);
    }
    for (const Move& move : moves) {
      if (move.node == after.self && !move.was_mine) {
        adopted.push_back(move.local);
        moved.push_back(move.local);
      } else if (stack_node_[move.local] != move.node) {
        moved.push_back(move.local);
      }
      stack_node_[move.local] = move.node;
    }
    if (state_ != State::kAssigned && state_ != State::kRunning && state_ != State::kFinished) {
      return Status::Ok();  // over: nothing to carry on
    }
    if (!adopted.empty()) {
      effects_.Adopt(adopted);
      engines_.push_back(
          std::make_unique<Engine>(after.program, adopted, effects_, node_.executor));
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
  const Program& p = program().program;
  {
    MutexLock lock(links_mutex_);
    links_.resize(p.channels.size());
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
  for (const msg::Callback& callback : early) {
    if (Status s = Arrive(callback); !s.ok()) return s;
  }
  return Status::Ok();
}

Status NodeRun::OnTableReply(const msg::TableReply& reply) {
  const auto stack = program().LocalStack(reply.stack);
  if (!stack) {
    return InvalidArgumentError(
        fmt::format("table reply for stack id {}, not one of this node's", reply.stack));
  }
  table_round_trips_.Answered(*stack, node_.metrics);  // before the stack resumes
  return effects_.OnTableReply(*stack, reply.pc, reply.value, reply.lamport);
}

Status NodeRun::Arrive(const msg::Callback& callback) {
  const NodeProgram& p = program();
  const auto channel = p.LocalChannel(callback.channel);
  if (!channel) {
    if (callback.channel >= p.deck_channels) {
      return InvalidArgumentError(fmt::format("callback on channel id {}: the deck has {}",
                                              callback.channel, p.deck_channels));
    }
    // Its receiver is on its way here (a Reroute not read yet).
    MutexLock lock(mutex_);
    if (program().LocalChannel(callback.channel)) {
      // The Reroute came meanwhile.
    } else {
      if (early_.size() >= kMaxEarlyCallbacks) {
        return InvalidArgumentError(fmt::format("{} callbacks for channels node {} does not know",
                                                early_.size(), node_.name));
      }
      early_.push_back(callback);
      return Status::Ok();
    }
  }
  return effects_.Arrive(*program().LocalChannel(callback.channel), callback.seq, callback.value,
                         callback.lamport);
}

Status NodeRun::OnGrant(const msg::StepGrant& grant) {
  if (!gated_) return InvalidArgumentError("a grant for a run the network shuffles");
  const NodeProgram& p = program();
  if (grant.take_in) {
    const auto channel = p.LocalChannel(grant.channel);
    if (!channel) {
      return InvalidArgumentError(
          fmt::format("grant takes in channel id {}, not one of this node's", grant.channel));
    }
    return effects_.TakeIn(*channel);
  }
  const auto stack = p.LocalStack(grant.stack);
  if (!stack) {
    return InvalidArgumentError(
        fmt::format("grant for stack id {}, not one of this node's", grant.stack));
  }
  return effects_.OnTableReply(*stack, grant.pc, grant.value, 0);
}

void NodeRun::SendRequest(StackId stack, uint32_t pc, msg::TableOp op, uint32_t var, int64_t value,
                          uint64_t lamport) {
  using msg::TableOp;
  if (op == TableOp::kRead || op == TableOp::kWrite) table_round_trips_.Asked(stack, node_.metrics);
  // Await and notify name a channel in `var`.
  const uint32_t global_var =
      op == TableOp::kAwait || op == TableOp::kNotify ? GlobalChannel(var) : var;
  SendUpdate(msg::TableRequest{GlobalStack(stack), pc, op, global_var, value, lamport});
}

void NodeRun::ReportArrival(ChannelId channel, uint64_t seq) {
  SendUpdate(msg::Arrival{GlobalChannel(channel), seq});
}

std::shared_ptr<PeerLink> NodeRun::LinkFor(ChannelId channel) {
  std::string address;
  {
    MutexLock lock(mutex_);
    const NodeProgram& p = program();
    address = p.nodes[stack_node_[p.program.channels[channel].to]].address;
  }
  MutexLock lock(links_mutex_);
  if (links_.size() <= channel) links_.resize(channel + 1);
  std::shared_ptr<PeerLink>& link = links_[channel];
  if (!link || !link->usable() || link->address() != address) link = node_.peers->Get(address);
  return link;
}

void NodeRun::SendCallback(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport) {
  std::shared_ptr<PeerLink> link = LinkFor(channel);
  if (!link) return;  // shutting down: the run ends with a fault
  if (!link->Send(id_, GlobalChannel(channel), seq, value, lamport)) {
    PeerLost(link->address(), fmt::format("callback stream to {} is closed", link->address()));
  }
}

void NodeRun::StackFailed(StackId stack, uint32_t pc, const char* what) {
  // Seeded (gated): a step like the others, the coordinator ends the run
  // when it takes it; the other stacks go on until then.
  if (!gated_ && !EndAs(State::kFailed)) return;
  node_.log->log(gated_ ? spdlog::level::debug : spdlog::level::info,
                 "{}: stack {} failed at card {}: {}", Label(),
                 program().program.stacks[stack].name, pc + 1, what);
  msg::RunUpdate update;
  update.failure = msg::StackFailure{GlobalStack(stack), pc, what};
  SendSeparate(update);
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
    MutexLock lock(mutex_);
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
      for (StackId s : stacks) cards += program().program.Code(s).size();
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
    MutexLock lock(mutex_);
    if (updates_ == nullptr) return true;  // nobody to tell: the run is over
    for (Event& event : events) event = ToGlobal(event);
    room = updates_->SendEvents(std::move(events));
  }
  return room != Updates::Room::kFull;
}

void NodeRun::Drained() { effects_.Drained(); }

size_t NodeRun::HeldStacks() const { return effects_.HeldStacks(); }

void NodeRun::SendResults(const std::vector<StackId>& stacks, const std::vector<Engine*>& engines) {
  std::vector<size_t> engine_of;
  {
    MutexLock lock(mutex_);
    engine_of = engine_of_;
  }
  // The events not streamed yet go first, then the results, in updates of
  // at most kResultsPerUpdate stacks (a hundred thousand stacks' registers
  // in one message would be tens of MB to hold on both sides at once); the
  // last says `done`: nothing comes after it.
  effects_.FlushEvents([&] {
    size_t next = 0;
    do {
      const size_t end = std::min(stacks.size(), next + kResultsPerUpdate);
      msg::RunUpdate update;
      update.results.reserve(end - next);
      for (; next < end; ++next) {
        const StackId s = stacks[next];
        update.results.push_back(
            msg::StackResult{GlobalStack(s), engines[engine_of[s]]->Registers(s)});
      }
      update.done = next == stacks.size();
      if (!SendSeparate(update)) return;
    } while (next < stacks.size());
  });
}

template <typename Message>
bool NodeRun::SendUpdate(const Message& message) {
  MutexLock lock(mutex_);
  return updates_ != nullptr && updates_->Send(message);
}

bool NodeRun::SendSeparate(const msg::RunUpdate& update) {
  MutexLock lock(mutex_);
  return updates_ != nullptr && updates_->SendSeparate(update);
}

}  // namespace cardflow
