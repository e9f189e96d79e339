#include "common/local/sequencer.h"

#include <fmt/format.h>

namespace cardflow {

VisibleCards::VisibleCards(const Program& program) : next_(program.stacks.size()) {
  for (StackId s = 0; s < program.stacks.size(); ++s) {
    const auto& code = program.stacks[s].code;
    auto& next = next_[s];
    next.resize(code.size() + 1);
    next[code.size()] = static_cast<uint32_t>(code.size());
    for (size_t pc = code.size(); pc-- > 0;) {
      next[pc] = IsVisible(code[pc].op) ? static_cast<uint32_t>(pc) : next[pc + 1];
    }
  }
}

Sequencer::Sequencer(const Program& program, const VisibleCards& visible, Ordering ordering,
                     uint64_t seed, std::unique_ptr<CallbackDelivery> delivery,
                     std::function<void()> on_end)
    : program_(program),
      visible_(visible),
      ordering_(ordering),
      on_end_(std::move(on_end)),
      delivery_(std::move(delivery)),
      random_(seed),
      channels_(program.channels.size()),
      logical_pc_(program.stacks.size()),
      parked_(program.stacks.size()),
      done_(program.stacks.size(), false),
      stack_position_(program.stacks.size(), kNone),
      arrival_position_(program.channels.size(), kNone),
      running_(static_cast<uint32_t>(program.stacks.size())) {
  table_.reserve(program.shared.size());
  for (const SharedVar& var : program.shared) table_.push_back(var.initial);
  for (StackId s = 0; s < program.stacks.size(); ++s) Advance(s, 0);
}

void Sequencer::Read(Continuation k, uint32_t pc, VarId) { Submit(k, pc, 0); }
void Sequencer::Write(Continuation k, uint32_t pc, VarId, int64_t value) { Submit(k, pc, value); }
void Sequencer::Notify(Continuation k, uint32_t pc, ChannelId, int64_t value) {
  Submit(k, pc, value);
}
void Sequencer::Await(Continuation k, uint32_t pc, ChannelId) { Submit(k, pc, 0); }
void Sequencer::Print(Continuation k, uint32_t pc, int64_t value) { Submit(k, pc, value); }

void Sequencer::Submit(Continuation k, uint32_t pc, int64_t value) {
  Park(k.stack(), Request{k, pc, value, nullptr});
}

void Sequencer::Done(StackId stack) {
  bool ended;
  {
    std::lock_guard lock(mutex_);
    done_[stack] = true;
    --running_;
    ended = Pump();
  }
  if (ended) on_end_();
}

// A run error is sequenced like a visible card, so which error a run reports
// does not depend on timing: it takes effect when the scheduler picks the
// failed stack's next step (or, for a failure after the stack's last visible
// card, once nothing else can run).
void Sequencer::Failed(StackId stack, uint32_t pc, const char* what) {
  Park(stack, Request{Continuation(nullptr, stack), pc, 0, what});
}

void Sequencer::Park(StackId stack, const Request& request) {
  bool ended;
  {
    std::lock_guard lock(mutex_);
    parked_[stack] = request;
    ++parked_count_;
    ended = Pump();
  }
  if (ended) on_end_();
}

bool Sequencer::Pump() {
  while (!ended_) {
    if (chosen_) {
      const StackId s = *chosen_;
      if (!parked_[s]) return false;  // picked, but still running its local cards
      const Request request = *parked_[s];
      if (request.failure) return Fail(s, request.pc, request.failure);
      parked_[s].reset();
      --parked_count_;
      chosen_.reset();
      Execute(s, request);
      continue;
    }
    if (candidates_.empty()) return EndWhenSettled();
    const uint32_t c = candidates_[random_.Below(static_cast<uint32_t>(candidates_.size()))];
    if (c & kArrival) {
      Arrive(c & ~kArrival);
    } else {
      chosen_ = c;
      RemoveCandidate(stack_position_[c]);
    }
  }
  return false;
}

// Nothing can be picked. Once every unfinished stack has physically stopped
// (parked at a card or failed), the run ends: with the first failed stack's
// error, normally if no stack is left, or else in a deadlock — every
// unfinished stack waits at an await whose callback can never come.
bool Sequencer::EndWhenSettled() {
  if (parked_count_ < running_) return false;
  for (StackId s = 0; s < program_.stacks.size(); ++s) {
    if (parked_[s] && parked_[s]->failure) return Fail(s, parked_[s]->pc, parked_[s]->failure);
  }
  if (running_ == 0) {
    ended_ = true;
    return true;
  }
  for (StackId s = 0; s < program_.stacks.size(); ++s) {
    if (parked_[s]) return Fail(s, parked_[s]->pc, "");
  }
  return false;
}

void Sequencer::Execute(StackId s, const Request& request) {
  const Instr& instr = program_.stacks[s].code[request.pc];
  Event event;
  event.stack = s;
  event.pc = request.pc;
  event.peer = instr.peer;
  event.var = instr.var;
  event.channel = instr.channel;
  std::optional<int64_t> result;
  switch (instr.op) {
    case Op::kRead:
      event.kind = EventKind::kRead;
      event.value = table_[instr.var];
      result = event.value;
      break;
    case Op::kWrite:
      event.kind = EventKind::kWrite;
      event.value = table_[instr.var] = request.value;
      break;
    case Op::kNotify: {
      ChannelState& channel = channels_[instr.channel];
      event.kind = EventKind::kSend;
      event.value = request.value;
      event.seq = ++channel.sent;
      delivery_->Sent(instr.channel, {request.value, event.seq});
      if (arrival_position_[instr.channel] == kNone && delivery_->CanArrive(instr.channel)) {
        AddCandidate(kArrival | instr.channel, arrival_position_[instr.channel]);
      }
      break;
    }
    case Op::kAwait: {
      ChannelState& channel = channels_[instr.channel];
      event.kind = EventKind::kAwait;
      if (!channel.inbox.empty()) {
        event.value = channel.inbox.front().value;
        event.seq = channel.inbox.front().seq;
        result = event.value;
        channel.inbox.pop_front();
      }
      break;
    }
    case Op::kPrint:
      event.kind = EventKind::kPrint;
      event.value = request.value;
      log_.push_back(fmt::format("{}: {}", program_.stacks[s].name, request.value));
      break;
    default:
      break;  // local cards never reach the sequencer
  }
  event.lamport = events_.size() + 1;
  events_.push_back(event);
  Advance(s, request.pc + 1);
  request.k.Resume(result);  // posts; the stack continues on the engine's executor
}

void Sequencer::Arrive(ChannelId c) {
  const InFlightCallback callback = delivery_->Arrive(c);
  const Message message{callback.value, callback.seq};
  channels_[c].inbox.push_back(message);
  if (!delivery_->CanArrive(c)) RemoveCandidate(arrival_position_[c]);
  const Channel& ends = program_.channels[c];
  Event event;
  event.kind = EventKind::kArrive;
  event.stack = ends.to;
  event.peer = ends.from;
  event.value = message.value;
  event.seq = message.seq;
  event.channel = c;
  event.lamport = events_.size() + 1;
  events_.push_back(event);
  // The receiver may have been blocked on exactly this channel.
  if (stack_position_[ends.to] == kNone && chosen_ != ends.to && Enabled(ends.to)) {
    AddCandidate(ends.to, stack_position_[ends.to]);
  }
}

void Sequencer::Advance(StackId s, uint32_t from_pc) {
  logical_pc_[s] = visible_.NextAtOrAfter(s, from_pc);
  if (Enabled(s)) AddCandidate(s, stack_position_[s]);
}

bool Sequencer::Enabled(StackId s) const {
  const auto& code = program_.stacks[s].code;
  const uint32_t pc = logical_pc_[s];
  if (pc == code.size()) return false;
  const Instr& instr = code[pc];
  if (instr.op != Op::kAwait || ordering_ == Ordering::kNone) return true;
  return !channels_[instr.channel].inbox.empty();
}

void Sequencer::AddCandidate(uint32_t candidate, uint32_t& position) {
  position = static_cast<uint32_t>(candidates_.size());
  candidates_.push_back(candidate);
}

void Sequencer::RemoveCandidate(uint32_t& position) {
  const uint32_t last = candidates_.back();
  candidates_[position] = last;
  (last & kArrival ? arrival_position_[last & ~kArrival] : stack_position_[last]) = position;
  candidates_.pop_back();
  position = kNone;
}

bool Sequencer::Fail(StackId stack, uint32_t pc, std::string_view what) {
  if (ended_) return false;
  ended_ = true;
  const StackProgram& program = program_.stacks[stack];
  const Instr& instr = program.code[pc];
  error_stack_ = stack;
  error_pc_ = pc;
  if (what.empty()) {
    error_ = fmt::format("deadlock: stack {} waits forever at card {} `{}` (line {})", program.name,
                         pc + 1, program.card_text[pc], instr.line);
  } else {
    error_ = fmt::format("stack {}, card {} `{}` (line {}): {}", program.name, pc + 1,
                         program.card_text[pc], instr.line, what);
  }
  return true;
}

}  // namespace cardflow
