#include "node/remote_effects.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace cardflow {

RemoteEffects::RemoteEffects(const Program& program, Ordering ordering, std::vector<bool> mine,
                             Transport& transport, EventObserver observer, bool gated,
                             size_t event_batch)
    : program_(&program),
      ordering_(ordering),
      gated_(gated),
      transport_(transport),
      observer_(std::move(observer)),
      event_batch_(event_batch),
      mine_(std::move(mine)),
      // Own stacks only (a node's stacks come first in its program): peers
      // never take a step here.
      stacks_(static_cast<size_t>(std::find(mine_.rbegin(), mine_.rend(), true).base() -
                                  mine_.begin())),
      inboxes_(program.channels.size()),
      sent_(program.channels.size()) {}

void RemoteEffects::Read(Continuation k, uint32_t pc, VarId var) {
  AskCoordinator(k, pc, Ask::kRead, var, 0);
}

void RemoteEffects::Write(Continuation k, uint32_t pc, VarId var, int64_t value) {
  AskCoordinator(k, pc, Ask::kWrite, var, value);
}

void RemoteEffects::AskCoordinator(Continuation k, uint32_t pc, Ask ask, uint32_t var,
                                   int64_t value) {
  uint64_t lamport;
  {
    MutexLock lock(mutex_);
    StackState& stack = stacks_[k.stack()];
    stack.pending = k;  // before sending: the reply may come back on another thread at once
    stack.pending_pc = pc;
    stack.pending_ask = ask;
    stack.pending_channel = var;
    stack.pending_value = value;
    lamport = stack.clock;
  }
  transport_.SendRequest(k.stack(), pc, ask, var, value, lamport);
}

Status RemoteEffects::OnTableReply(StackId stack, uint32_t pc, int64_t value, uint64_t lamport) {
  Wakeup wakeup;
  std::optional<Continuation> notify;
  ChannelId channel = 0;
  int64_t notify_value = 0;
  {
    MutexLock lock(mutex_);
    if (stack >= stacks_.size() || !mine_[stack] || !stacks_[stack].pending ||
        stacks_[stack].pending_pc != pc) {
      return InvalidArgumentError(
          fmt::format("table reply for stack {} card {}, which asked nothing", stack, pc + 1));
    }
    StackState& state = stacks_[stack];
    Continuation k = *std::exchange(state.pending, std::nullopt);
    switch (state.pending_ask) {
      case Ask::kAwait:
        Decide(k, pc, state.pending_channel, value != 0, wakeup);
        break;
      case Ask::kNotify:
        notify = k;  // carried out below, outside the lock
        channel = state.pending_channel;
        notify_value = state.pending_value;
        break;
      case Ask::kPrint:
        PrintLocked(stack, pc, state.pending_value);
        wakeup.k = k;
        break;
      default:
        state.clock = std::max(state.clock, lamport);
        wakeup.k = k;
        wakeup.value = value;
        break;
    }
  }
  if (notify) DoNotify(*notify, pc, channel, notify_value);
  MaybeFlush();
  Run(wakeup);
  return Status::Ok();
}

Status RemoteEffects::TakeIn(ChannelId channel) {
  Wakeup wakeup;
  {
    MutexLock lock(mutex_);
    if (channel >= inboxes_.size() || !inboxes_[channel] || !inboxes_[channel]->held ||
        inboxes_[channel]->held->empty()) {
      return InvalidArgumentError(
          fmt::format("grant takes in a callback on channel {}, where none is held", channel));
    }
    Inbox& inbox = *inboxes_[channel];
    const Message message = inbox.held->front();
    inbox.held->pop_front();
    InboxLocked(channel, message.seq, message.value, message.lamport, wakeup);
  }
  MaybeFlush();
  Run(wakeup);
  return Status::Ok();
}

RemoteEffects::Inbox& RemoteEffects::InboxOf(ChannelId channel) {
  std::unique_ptr<Inbox>& inbox = inboxes_[channel];
  if (!inbox) inbox = std::make_unique<Inbox>();
  return *inbox;
}

void RemoteEffects::FlushArrivals() {
  std::vector<std::pair<ChannelId, uint64_t>> arrivals;
  {
    MutexLock lock(mutex_);
    if (unreported_.empty()) return;
    arrivals.swap(unreported_);
  }
  for (const auto& [channel, seq] : arrivals) transport_.ReportArrival(channel, seq);
}

void RemoteEffects::Decide(Continuation k, uint32_t pc, ChannelId channel, bool take,
                           Wakeup& wakeup) {
  Inbox& inbox = InboxOf(channel);
  if (!take) {
    // The await goes on without the callback.
    Record(
        Event::Await(channel, program().channels[channel], pc, 0, 0, ++stacks_[k.stack()].clock));
    wakeup.k = k;
    return;
  }
  if (inbox.messages.empty()) {  // a replay: the callback taken the first time is on its way
    inbox.parked = k;
    inbox.parked_pc = pc;
    return;
  }
  wakeup.value = Consume(k.stack(), pc, channel);
  wakeup.k = k;
}

void RemoteEffects::Notify(Continuation k, uint32_t pc, ChannelId channel, int64_t value) {
  if (gated_) return AskCoordinator(k, pc, Ask::kNotify, channel, value);
  DoNotify(k, pc, channel, value);
}

void RemoteEffects::DoNotify(Continuation k, uint32_t pc, ChannelId channel, int64_t value) {
  const Channel& ends = program().channels[channel];
  Wakeup receiver;
  uint64_t seq;
  uint64_t lamport;
  bool local;
  {
    MutexLock lock(mutex_);
    lamport = ++stacks_[ends.from].clock;
    std::vector<Early>& sent = sent_[channel];
    sent.push_back(Early{value, lamport});
    seq = sent.size();
    Record(Event::Send(channel, ends, pc, seq, value, lamport));
    local = mine_[ends.to];
    if (local) DeliverLocked(channel, seq, value, lamport, receiver);
  }
  if (!local) transport_.SendCallback(channel, seq, value, lamport);
  FlushArrivals();
  MaybeFlush();
  Run(receiver);
  Resume(k, std::nullopt);
}

Status RemoteEffects::Arrive(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport) {
  Wakeup receiver;
  {
    // Under the lock: a Reroute's Extend may grow inboxes_ meanwhile.
    MutexLock lock(mutex_);
    if (channel >= inboxes_.size() || seq == 0) {
      return InvalidArgumentError(
          fmt::format("callback #{} on channel {}, which the deck lacks", seq, channel));
    }
    DeliverLocked(channel, seq, value, lamport, receiver);
  }
  FlushArrivals();
  MaybeFlush();
  Run(receiver);
  return Status::Ok();
}

void RemoteEffects::DeliverLocked(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport,
                                  Wakeup& wakeup) {
  Inbox& inbox = InboxOf(channel);
  if (seq <= inbox.arrived) return;  // sent again: taken already
  if (seq > inbox.arrived + 1) {
    if (!inbox.early) inbox.early = std::make_unique<std::map<uint64_t, Early>>();
    inbox.early->emplace(seq, Early{value, lamport});
    return;
  }
  ArriveLocked(channel, seq, value, lamport, wakeup);
  // Only the first arrival can wake the parked await; the rest just queue.
  if (!inbox.early) return;
  for (auto it = inbox.early->begin(); it != inbox.early->end() && it->first == inbox.arrived + 1;
       it = inbox.early->erase(it)) {
    Wakeup none;
    ArriveLocked(channel, it->first, it->second.value, it->second.lamport, none);
  }
}

void RemoteEffects::ArriveLocked(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport,
                                 Wakeup& wakeup) {
  Inbox& inbox = InboxOf(channel);
  inbox.arrived = seq;
  if (gated_) {  // held until the coordinator takes it in
    if (!inbox.held) inbox.held = std::make_unique<MessageQueue>();
    inbox.held->push_back(Message{value, seq, lamport});
    unreported_.emplace_back(channel, seq);
    return;
  }
  InboxLocked(channel, seq, value, lamport, wakeup);
}

void RemoteEffects::InboxLocked(ChannelId channel, uint64_t seq, int64_t value,
                                uint64_t send_lamport, Wakeup& wakeup) {
  Inbox& inbox = InboxOf(channel);
  const Channel& ends = program().channels[channel];
  inbox.last_lamport = std::max(inbox.last_lamport, send_lamport) + 1;
  inbox.messages.push_back(Message{value, seq, inbox.last_lamport});
  Record(Event::Arrive(channel, ends, seq, value, inbox.last_lamport));
  if (inbox.parked) {
    wakeup.value = Consume(ends.to, inbox.parked_pc, channel);
    wakeup.k = std::exchange(inbox.parked, std::nullopt);
  }
}

void RemoteEffects::Await(Continuation k, uint32_t pc, ChannelId channel) {
  std::optional<int64_t> value;
  bool took = false;
  uint64_t lamport = 0;
  {
    MutexLock lock(mutex_);
    Inbox& inbox = InboxOf(channel);
    if (ordering_ == Ordering::kCallbacks && !gated_) {
      if (inbox.messages.empty()) {
        inbox.parked = k;  // Arrive resumes it
        inbox.parked_pc = pc;
        return;
      }
      value = Consume(k.stack(), pc, channel);
    } else {
      StackState& stack = stacks_[k.stack()];
      stack.pending = k;  // before asking: the reply may come back on another thread at once
      stack.pending_pc = pc;
      stack.pending_ask = Ask::kAwait;
      stack.pending_channel = channel;
      took = !inbox.messages.empty();
      lamport = stack.clock;
    }
  }
  if (ordering_ == Ordering::kNone || gated_) {
    transport_.SendRequest(k.stack(), pc, Ask::kAwait, channel, took ? 1 : 0, lamport);
    return;
  }
  MaybeFlush();
  Resume(k, value);
}

int64_t RemoteEffects::Consume(StackId stack, uint32_t pc, ChannelId channel) {
  Inbox& inbox = InboxOf(channel);
  const Message message = inbox.messages.front();
  inbox.messages.pop_front();
  uint64_t& clock = stacks_[stack].clock;
  clock = std::max(clock, message.lamport) + 1;
  Record(Event::Await(channel, program().channels[channel], pc, message.seq, message.value, clock));
  return message.value;
}

void RemoteEffects::Print(Continuation k, uint32_t pc, int64_t value) {
  if (gated_) return AskCoordinator(k, pc, Ask::kPrint, 0, value);
  {
    MutexLock lock(mutex_);
    PrintLocked(k.stack(), pc, value);
  }
  MaybeFlush();
  Resume(k, std::nullopt);
}

void RemoteEffects::PrintLocked(StackId stack, uint32_t pc, int64_t value) {
  Record(Event::Print(stack, pc, value, ++stacks_[stack].clock));
}

// Ungated, the run reports results once its engine is idle; gated, the
// stack's end is a step the coordinator takes.
void RemoteEffects::Done(StackId stack) {
  if (!gated_) return;
  transport_.SendRequest(stack, static_cast<uint32_t>(program().Code(stack).size()), Ask::kEnd, 0,
                         0, 0);
}

void RemoteEffects::Failed(StackId stack, uint32_t pc, const char* what) {
  transport_.StackFailed(stack, pc, what);
}

void RemoteEffects::Adopt(const std::vector<StackId>& stacks) {
  std::vector<Wakeup> wakeups;  // none in fact: adopted stacks have not started
  {
    MutexLock lock(mutex_);
    for (StackId s : stacks) {
      mine_[s] = true;
      if (stacks_.size() <= s) stacks_.resize(s + 1);
      stacks_[s] = StackState{};
    }
    for (ChannelId c = 0; c < program().channels.size(); ++c) {
      const Channel& ends = program().channels[c];
      if (!mine_[ends.from] || std::find(stacks.begin(), stacks.end(), ends.to) == stacks.end()) {
        continue;
      }
      const std::vector<Early>& sent = sent_[c];
      for (uint64_t i = 0; i < sent.size(); ++i) {
        wakeups.emplace_back();
        DeliverLocked(c, i + 1, sent[i].value, sent[i].lamport, wakeups.back());
      }
    }
  }
  // No MaybeFlush here: the caller may hold a lock the transport takes; the
  // events recorded here go with the next batch.
  for (Wakeup& w : wakeups) Run(w);
}

void RemoteEffects::Extend(const Program& program, size_t stacks) {
  MutexLock lock(mutex_);
  program_.store(&program, std::memory_order_release);
  mine_.resize(stacks, false);
  inboxes_.resize(program.channels.size());
  sent_.resize(program.channels.size());
}

std::vector<RemoteEffects::SentCallback> RemoteEffects::SentTo(StackId receiver) const {
  std::vector<SentCallback> out;
  MutexLock lock(mutex_);
  for (ChannelId c = 0; c < program().channels.size(); ++c) {
    if (program().channels[c].to != receiver) continue;
    const std::vector<Early>& sent = sent_[c];
    for (uint64_t i = 0; i < sent.size(); ++i) {
      out.push_back(SentCallback{c, i + 1, sent[i].value, sent[i].lamport});
    }
  }
  return out;
}

bool RemoteEffects::IsMine(StackId stack) const {
  MutexLock lock(mutex_);
  return mine_[stack];
}

std::vector<Event> RemoteEffects::TakeEvents() {
  MutexLock lock(mutex_);
  recorded_.store(0, std::memory_order_relaxed);
  return std::exchange(events_, {});
}

void RemoteEffects::FlushEvents(const std::function<void()>& then) {
  MutexLock send(send_mutex_);
  if (event_batch_ > 0) {
    std::vector<Event> batch;
    uint64_t epoch;
    {
      MutexLock lock(mutex_);
      batch.swap(events_);
      recorded_.store(0, std::memory_order_relaxed);
      epoch = drain_epoch_;
    }
    if (!batch.empty()) SendBatch(std::move(batch), epoch);
  }
  then();
}

void RemoteEffects::MaybeFlush() {
  if (event_batch_ == 0 || recorded_.load(std::memory_order_relaxed) < event_batch_) return;
  MutexLock send(send_mutex_);
  std::vector<Event> batch;
  uint64_t epoch;
  {
    MutexLock lock(mutex_);
    if (events_.size() < event_batch_) return;  // another thread took it
    batch.swap(events_);
    events_.reserve(event_batch_ + event_batch_ / 8);
    recorded_.store(0, std::memory_order_relaxed);
    epoch = drain_epoch_;
  }
  SendBatch(std::move(batch), epoch);
}

void RemoteEffects::SendBatch(std::vector<Event> batch, uint64_t epoch) {
  if (transport_.SendEvents(std::move(batch))) return;
  MutexLock lock(mutex_);
  // A Drained since the batch was taken answers this "over" too.
  if (epoch == drain_epoch_) congested_.store(true, std::memory_order_release);
}

void RemoteEffects::Drained() {
  std::vector<std::pair<Continuation, std::optional<int64_t>>> held;
  {
    MutexLock lock(mutex_);
    ++drain_epoch_;
    congested_.store(false, std::memory_order_release);
    held.swap(held_);
  }
  for (auto& [k, value] : held) k.Resume(value);
}

size_t RemoteEffects::HeldStacks() const {
  MutexLock lock(mutex_);
  return held_.size();
}

void RemoteEffects::Resume(const Continuation& k, std::optional<int64_t> value) {
  if (congested_.load(std::memory_order_acquire)) {
    MutexLock lock(mutex_);
    if (congested_.load(std::memory_order_relaxed)) {
      held_.emplace_back(k, value);
      return;
    }
  }
  k.Resume(value);
}

void RemoteEffects::Record(Event event) {
  if (observer_) observer_(event);
  if (gated_ && event_batch_ > 0) return;  // streamed and seeded: the coordinator records them
  events_.push_back(event);
  recorded_.store(events_.size(), std::memory_order_relaxed);
}

}  // namespace cardflow
