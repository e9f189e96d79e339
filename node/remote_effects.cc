#include "node/remote_effects.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace cardflow {

RemoteEffects::RemoteEffects(const Program& program, Ordering ordering, std::vector<bool> mine,
                             Transport& transport, EventObserver observer)
    : program_(program),
      ordering_(ordering),
      transport_(transport),
      observer_(std::move(observer)),
      mine_(std::move(mine)),
      stacks_(program.stacks.size()),
      inboxes_(program.channels.size()),
      sent_(program.channels.size()) {}

void RemoteEffects::Read(Continuation k, uint32_t pc, VarId var) { AskTable(k, pc, false, var, 0); }

void RemoteEffects::Write(Continuation k, uint32_t pc, VarId var, int64_t value) {
  AskTable(k, pc, true, var, value);
}

void RemoteEffects::AskTable(Continuation k, uint32_t pc, bool write, VarId var, int64_t value) {
  uint64_t lamport;
  {
    std::lock_guard lock(mutex_);
    StackState& stack = stacks_[k.stack()];
    stack.pending = k;  // before sending: the reply may come back on another thread at once
    stack.pending_pc = pc;
    lamport = stack.clock;
  }
  transport_.SendTableRequest(k.stack(), pc, write, var, value, lamport);
}

Status RemoteEffects::OnTableReply(StackId stack, uint32_t pc, int64_t value, uint64_t lamport) {
  Wakeup wakeup;
  {
    std::lock_guard lock(mutex_);
    if (stack >= stacks_.size() || !mine_[stack] || !stacks_[stack].pending ||
        stacks_[stack].pending_pc != pc) {
      return InvalidArgumentError(
          fmt::format("table reply for stack {} card {}, which asked nothing", stack, pc + 1));
    }
    StackState& state = stacks_[stack];
    Continuation k = *std::exchange(state.pending, std::nullopt);
    if (state.pending_await) {
      state.pending_await = false;
      Decide(k, pc, state.pending_channel, value != 0, wakeup);
    } else {
      state.clock = std::max(state.clock, lamport);
      wakeup.k = k;
      wakeup.value = value;
    }
  }
  wakeup.Run();
  return Status::Ok();
}

void RemoteEffects::Decide(Continuation k, uint32_t pc, ChannelId channel, bool take,
                           Wakeup& wakeup) {
  Inbox& inbox = inboxes_[channel];
  if (!take) {
    Event event;  // the await goes on without the callback
    event.kind = EventKind::kAwait;
    event.stack = k.stack();
    event.peer = program_.channels[channel].from;
    event.channel = channel;
    event.lamport = ++stacks_[k.stack()].clock;
    event.pc = pc;
    Record(event);
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
  const Channel& ends = program_.channels[channel];
  Wakeup receiver;
  uint64_t seq;
  uint64_t lamport;
  bool local;
  {
    std::lock_guard lock(mutex_);
    lamport = ++stacks_[ends.from].clock;
    std::vector<Early>& sent = sent_[channel];
    sent.push_back(Early{value, lamport});
    seq = sent.size();
    Event event;
    event.kind = EventKind::kSend;
    event.stack = ends.from;
    event.peer = ends.to;
    event.value = value;
    event.seq = seq;
    event.channel = channel;
    event.lamport = lamport;
    event.pc = pc;
    Record(event);
    local = mine_[ends.to];
    if (local) DeliverLocked(channel, seq, value, lamport, receiver);
  }
  if (!local) transport_.SendCallback(channel, seq, value, lamport);
  receiver.Run();
  k.Resume(std::nullopt);
}

Status RemoteEffects::Arrive(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport) {
  if (channel >= inboxes_.size() || seq == 0) {
    return InvalidArgumentError(
        fmt::format("callback #{} on channel {}, which the deck lacks", seq, channel));
  }
  Wakeup receiver;
  {
    std::lock_guard lock(mutex_);
    DeliverLocked(channel, seq, value, lamport, receiver);
  }
  receiver.Run();
  return Status::Ok();
}

void RemoteEffects::DeliverLocked(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport,
                                  Wakeup& wakeup) {
  Inbox& inbox = inboxes_[channel];
  if (seq <= inbox.arrived) return;  // sent again: taken already
  if (seq > inbox.arrived + 1) {
    inbox.early.emplace(seq, Early{value, lamport});
    return;
  }
  ArriveLocked(channel, seq, value, lamport, wakeup);
  // Only the first arrival can wake the parked await; the rest just queue.
  for (auto it = inbox.early.begin(); it != inbox.early.end() && it->first == inbox.arrived + 1;
       it = inbox.early.erase(it)) {
    Wakeup none;
    ArriveLocked(channel, it->first, it->second.value, it->second.lamport, none);
  }
}

void RemoteEffects::ArriveLocked(ChannelId channel, uint64_t seq, int64_t value, uint64_t lamport,
                                 Wakeup& wakeup) {
  Inbox& inbox = inboxes_[channel];
  const Channel& ends = program_.channels[channel];
  inbox.arrived = seq;
  inbox.last_lamport = std::max(inbox.last_lamport, lamport) + 1;
  inbox.messages.push_back(Message{value, seq, inbox.last_lamport});
  Event event;
  event.kind = EventKind::kArrive;
  event.stack = ends.to;
  event.peer = ends.from;
  event.value = value;
  event.seq = seq;
  event.channel = channel;
  event.lamport = inbox.last_lamport;
  Record(event);
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
    std::lock_guard lock(mutex_);
    Inbox& inbox = inboxes_[channel];
    if (ordering_ == Ordering::kCallbacks) {
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
      stack.pending_await = true;
      stack.pending_channel = channel;
      took = !inbox.messages.empty();
      lamport = stack.clock;
    }
  }
  if (ordering_ == Ordering::kNone) {
    transport_.SendAwaitDecision(k.stack(), pc, channel, took, lamport);
    return;
  }
  k.Resume(value);
}

int64_t RemoteEffects::Consume(StackId stack, uint32_t pc, ChannelId channel) {
  Inbox& inbox = inboxes_[channel];
  const Message message = inbox.messages.front();
  inbox.messages.pop_front();
  uint64_t& clock = stacks_[stack].clock;
  clock = std::max(clock, message.lamport) + 1;
  Event event;
  event.kind = EventKind::kAwait;
  event.stack = stack;
  event.peer = program_.channels[channel].from;
  event.value = message.value;
  event.seq = message.seq;
  event.channel = channel;
  event.lamport = clock;
  event.pc = pc;
  Record(event);
  return message.value;
}

void RemoteEffects::Print(Continuation k, uint32_t pc, int64_t value) {
  {
    std::lock_guard lock(mutex_);
    Event event;
    event.kind = EventKind::kPrint;
    event.stack = k.stack();
    event.value = value;
    event.lamport = ++stacks_[k.stack()].clock;
    event.pc = pc;
    Record(event);
  }
  k.Resume(std::nullopt);
}

void RemoteEffects::Done(StackId) {}  // the run reports results once its engine is idle

void RemoteEffects::Failed(StackId stack, uint32_t pc, const char* what) {
  transport_.StackFailed(stack, pc, what);
}

void RemoteEffects::Adopt(const std::vector<StackId>& stacks) {
  std::vector<Wakeup> wakeups;  // none in fact: adopted stacks have not started
  {
    std::lock_guard lock(mutex_);
    for (StackId s : stacks) {
      mine_[s] = true;
      stacks_[s] = StackState{};
    }
    for (ChannelId c = 0; c < program_.channels.size(); ++c) {
      const Channel& ends = program_.channels[c];
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
  for (Wakeup& w : wakeups) w.Run();
}

std::vector<RemoteEffects::SentCallback> RemoteEffects::SentTo(StackId receiver) const {
  std::vector<SentCallback> out;
  std::lock_guard lock(mutex_);
  for (ChannelId c = 0; c < program_.channels.size(); ++c) {
    if (program_.channels[c].to != receiver) continue;
    const std::vector<Early>& sent = sent_[c];
    for (uint64_t i = 0; i < sent.size(); ++i) {
      out.push_back(SentCallback{c, i + 1, sent[i].value, sent[i].lamport});
    }
  }
  return out;
}

bool RemoteEffects::IsMine(StackId stack) const {
  std::lock_guard lock(mutex_);
  return mine_[stack];
}

std::vector<Event> RemoteEffects::TakeEvents() {
  std::lock_guard lock(mutex_);
  return std::exchange(events_, {});
}

void RemoteEffects::Record(Event event) {
  if (observer_) observer_(event);
  events_.push_back(event);
}

}  // namespace cardflow
