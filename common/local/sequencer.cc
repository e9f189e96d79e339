#include "common/local/sequencer.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/report/outcome.h"
#include "common/schedule/schedule_text.h"

namespace cardflow {

Sequencer::Sequencer(const Program& program, const StepPlan& plan, Ordering ordering, uint64_t seed,
                     std::unique_ptr<CallbackDelivery> delivery, std::function<void()> on_end,
                     const Schedule& prefix)
    : program_(program),
      plan_(plan),
      ordering_(ordering),
      on_end_(std::move(on_end)),
      delivery_(std::move(delivery)),
      random_(seed),
      channels_(program.channels.size()),
      step_(program.stacks.size(), 0),
      parked_(program.stacks.size()),
      done_(program.stacks.size(), false),
      stack_position_(program.stacks.size(), kNone),
      arrival_position_(program.channels.size(), kNone),
      running_(static_cast<uint32_t>(program.stacks.size())),
      steps_left_(static_cast<uint32_t>(program.stacks.size())),
      prefix_(prefix) {
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

// A stack with an end step (local cards after its last visible card) waits
// for that step's turn like a card; one whose last card was visible has
// ended with that card's step.
void Sequencer::Done(StackId stack) {
  bool ended;
  {
    std::lock_guard lock(mutex_);
    if (step_[stack] < plan_.Steps(stack)) {
      parked_[stack] = Request{Continuation(nullptr, stack), 0, 0, nullptr, true};
      ++parked_count_;
    } else {
      done_[stack] = true;
      --running_;
    }
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
      if (request.done) {
        done_[s] = true;
        --running_;
        ++step_[s];
        --steps_left_;
      } else {
        Execute(s, request);
      }
      continue;
    }
    // Once every stack has taken its last step the run is over: callbacks
    // still in flight never arrive (DECK.md, "Schedules").
    if (candidates_.empty() || steps_left_ == 0) return EndWhenSettled();
    uint32_t c = 0;
    if (!Pick(c)) {
      // CheckSchedule accepted the prefix, so the step semantics and this
      // sequencer disagree: never run on as if nothing happened.
      ended_ = true;
      error_stack_ = 0;
      error_pc_ = 0;
      error_ = fmt::format("internal error: step {} of the schedule ('{}') is not enabled here",
                           prefix_taken_ + 1, FormatStep(program_, prefix_[prefix_taken_]));
      return true;
    }
    if (c & kArrival) {
      schedule_.push_back(Step::Arrival(c & ~kArrival));
      Arrive(c & ~kArrival);
    } else {
      schedule_.push_back(Step::OfStack(c));
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

bool Sequencer::Pick(uint32_t& candidate) {
  if (prefix_taken_ == prefix_.size()) {
    candidate = candidates_[random_.Below(static_cast<uint32_t>(candidates_.size()))];
    return true;
  }
  const Step want = prefix_[prefix_taken_];
  const bool enabled =
      want.is_arrival() ? arrival_position_[want.id] != kNone : stack_position_[want.id] != kNone;
  if (!enabled) return false;
  ++prefix_taken_;
  candidate = want.is_arrival() ? (kArrival | want.id) : want.id;
  return true;
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
  Advance(s, step_[s] + 1);
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

void Sequencer::Advance(StackId s, uint32_t step) {
  step_[s] = step;
  if (step == plan_.Steps(s)) --steps_left_;
  if (Enabled(s)) AddCandidate(s, stack_position_[s]);
}

bool Sequencer::Enabled(StackId s) const {
  if (step_[s] == plan_.Steps(s)) return false;
  const auto& code = program_.stacks[s].code;
  const uint32_t pc = plan_.VisiblePc(s, step_[s]);
  if (pc == code.size()) return true;  // the end step
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
  error_stack_ = stack;
  error_pc_ = pc;
  error_ = what.empty() ? DeadlockMessage(program_, stack, pc)
                        : RunErrorMessage(program_, stack, pc, what);
  return true;
}

}  // namespace cardflow
