#include "common/schedule/seeded_scheduler.h"

#include <fmt/format.h>

#include <utility>

#include "common/schedule/schedule_text.h"

namespace cardflow {

SeededScheduler::SeededScheduler(const Program& program, const StepPlan& plan, Ordering ordering,
                                 uint64_t seed, std::unique_ptr<CallbackDelivery> delivery,
                                 const Schedule& prefix, bool arrivals_reported)
    : program_(program),
      plan_(plan),
      ordering_(ordering),
      arrivals_reported_(arrivals_reported),
      delivery_(std::move(delivery)),
      random_(seed),
      inbox_(program.channels.size()),
      sent_(program.channels.size(), 0),
      taken_in_(program.channels.size(), 0),
      reported_(program.channels.size(), 0),
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

void SeededScheduler::Park(StackId stack, StepRequest request) {
  if (!parked_[stack]) ++parked_count_;
  parked_[stack] = std::move(request);
}

void SeededScheduler::Done(StackId stack) {
  if (done_[stack] || parked_[stack]) return;
  if (step_[stack] < plan_.Steps(stack)) {
    StepRequest request = StepRequest::Card(static_cast<uint32_t>(program_.Code(stack).size()));
    request.done = true;
    Park(stack, std::move(request));
  } else {
    done_[stack] = true;
    --running_;
  }
}

void SeededScheduler::Arrived(ChannelId channel) { ++reported_[channel]; }

void SeededScheduler::Forget(StackId stack) {
  if (parked_[stack]) {
    parked_[stack].reset();
    --parked_count_;
  }
  for (ChannelId c = 0; c < program_.channels.size(); ++c) {
    if (program_.channels[c].to == stack) reported_[c] = taken_in_[c];
  }
}

bool SeededScheduler::Pump(std::vector<Grant>& grants) {
  while (!ended_) {
    if (chosen_) {
      const uint32_t c = *chosen_;
      if (c & kArrival) {
        const ChannelId channel = c & ~kArrival;
        if (arrivals_reported_ && reported_[channel] <= taken_in_[channel]) return false;
        chosen_.reset();
        Arrive(channel);
        grants.push_back(Grant{Step::Arrival(channel), 0, std::nullopt, false});
        continue;
      }
      const StackId s = c;
      if (!parked_[s]) return false;  // picked, but still running its local cards
      StepRequest request = std::move(*parked_[s]);
      if (request.failed) return Stop(s, request.pc, std::move(request.what));
      parked_[s].reset();
      --parked_count_;
      chosen_.reset();
      if (request.done) {
        done_[s] = true;
        --running_;
        ++step_[s];
        --steps_left_;
        grants.push_back(Grant{Step::OfStack(s), request.pc, std::nullopt, true});
      } else {
        Execute(s, request, grants);
      }
      continue;
    }
    // Once every stack has taken its last step the run is over: callbacks
    // still in flight never arrive (DECK.md, "Schedules").
    if (candidates_.empty() || steps_left_ == 0) return EndWhenSettled();
    uint32_t c = 0;
    if (!Pick(c)) {
      // CheckSchedule accepted the prefix, so the step semantics and this
      // scheduler disagree: never run on as if nothing happened.
      return Stop(0, 0,
                  fmt::format("internal error: step {} of the schedule ('{}') is not enabled here",
                              prefix_taken_ + 1, FormatStep(program_, prefix_[prefix_taken_])),
                  /*internal=*/true);
    }
    if (c & kArrival) {
      schedule_.push_back(Step::Arrival(c & ~kArrival));
    } else {
      schedule_.push_back(Step::OfStack(c));
      RemoveCandidate(stack_position_[c]);
    }
    chosen_ = c;
  }
  return false;
}

// Nothing can be picked. Once every unfinished stack has physically stopped
// (parked at a card or failed), the run ends: with the first failed stack's
// error, normally if no stack is left, or else in a deadlock — every
// unfinished stack waits at an await whose callback can never come.
bool SeededScheduler::EndWhenSettled() {
  if (parked_count_ < running_) return false;
  for (StackId s = 0; s < program_.stacks.size(); ++s) {
    if (parked_[s] && parked_[s]->failed) return Stop(s, parked_[s]->pc, parked_[s]->what);
  }
  if (running_ == 0) {
    ended_ = true;
    return true;
  }
  for (StackId s = 0; s < program_.stacks.size(); ++s) {
    if (parked_[s]) return Stop(s, parked_[s]->pc, "");
  }
  return false;
}

bool SeededScheduler::Pick(uint32_t& candidate) {
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

void SeededScheduler::Execute(StackId s, const StepRequest& request, std::vector<Grant>& grants) {
  const Instr& instr = program_.Code(s)[request.pc];
  const uint64_t lamport = events_.size() + 1;
  std::optional<int64_t> result;
  switch (instr.op) {
    case Op::kRead:
      result = table_[instr.var];
      events_.push_back(Event::Read(s, request.pc, instr.var, *result, lamport));
      break;
    case Op::kWrite:
      table_[instr.var] = request.value;
      events_.push_back(Event::Write(s, request.pc, instr.var, request.value, lamport));
      break;
    case Op::kNotify: {
      const uint64_t seq = ++sent_[instr.channel];
      events_.push_back(Event::Send(instr.channel, program_.channels[instr.channel], request.pc,
                                    seq, request.value, lamport));
      delivery_->Sent(instr.channel, {request.value, seq});
      if (arrival_position_[instr.channel] == kNone && delivery_->CanArrive(instr.channel)) {
        AddCandidate(kArrival | instr.channel, arrival_position_[instr.channel]);
      }
      break;
    }
    case Op::kAwait: {
      std::deque<Message>& inbox = inbox_[instr.channel];
      Message taken;  // seq 0: went on without one
      if (!inbox.empty()) {
        taken = inbox.front();
        result = taken.value;
        inbox.pop_front();
      }
      events_.push_back(Event::Await(instr.channel, program_.channels[instr.channel], request.pc,
                                     taken.seq, taken.value, lamport));
      break;
    }
    case Op::kPrint:
      events_.push_back(Event::Print(s, request.pc, request.value, lamport));
      break;
    default:
      break;  // local cards are never steps of their own
  }
  Advance(s, step_[s] + 1);
  grants.push_back(Grant{Step::OfStack(s), request.pc, result, false});
}

void SeededScheduler::Arrive(ChannelId c) {
  const InFlightCallback callback = delivery_->Arrive(c);
  inbox_[c].push_back(Message{callback.value, callback.seq});
  ++taken_in_[c];
  if (!delivery_->CanArrive(c)) RemoveCandidate(arrival_position_[c]);
  const Channel& ends = program_.channels[c];
  events_.push_back(Event::Arrive(c, ends, callback.seq, callback.value, events_.size() + 1));
  // The receiver may have been blocked on exactly this channel.
  if (stack_position_[ends.to] == kNone && chosen_ != ends.to && Enabled(ends.to)) {
    AddCandidate(ends.to, stack_position_[ends.to]);
  }
}

void SeededScheduler::Advance(StackId s, uint32_t step) {
  step_[s] = step;
  if (step == plan_.Steps(s)) --steps_left_;
  if (Enabled(s)) AddCandidate(s, stack_position_[s]);
}

bool SeededScheduler::Enabled(StackId s) const {
  if (step_[s] == plan_.Steps(s)) return false;
  const auto code = program_.Code(s);
  const uint32_t pc = plan_.VisiblePc(s, step_[s]);
  if (pc == code.size()) return true;  // the end step
  const Instr& instr = code[pc];
  if (instr.op != Op::kAwait || ordering_ == Ordering::kNone) return true;
  return !inbox_[instr.channel].empty();
}

void SeededScheduler::AddCandidate(uint32_t candidate, uint32_t& position) {
  position = static_cast<uint32_t>(candidates_.size());
  candidates_.push_back(candidate);
}

void SeededScheduler::RemoveCandidate(uint32_t& position) {
  const uint32_t last = candidates_.back();
  candidates_[position] = last;
  (last & kArrival ? arrival_position_[last & ~kArrival] : stack_position_[last]) = position;
  candidates_.pop_back();
  position = kNone;
}

bool SeededScheduler::Stop(StackId stack, uint32_t pc, std::string what, bool internal) {
  if (ended_) return false;
  ended_ = true;
  stop_ = RunStop{stack, pc, std::move(what), internal};
  return true;
}

}  // namespace cardflow
