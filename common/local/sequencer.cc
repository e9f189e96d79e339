#include "common/local/sequencer.h"

#include <utility>

namespace cardflow {

Sequencer::Sequencer(const Program& program, const StepPlan& plan, Ordering ordering, uint64_t seed,
                     std::unique_ptr<CallbackDelivery> delivery, std::function<void()> on_end,
                     const Schedule& prefix)
    : on_end_(std::move(on_end)),
      scheduler_(program, plan, ordering, seed, std::move(delivery), prefix),
      k_(program.stacks.size()) {}

void Sequencer::Read(Continuation k, uint32_t pc, VarId) { Park(k, StepRequest::Card(pc)); }
void Sequencer::Write(Continuation k, uint32_t pc, VarId, int64_t value) {
  Park(k, StepRequest::Card(pc, value));
}
void Sequencer::Notify(Continuation k, uint32_t pc, ChannelId, int64_t value) {
  Park(k, StepRequest::Card(pc, value));
}
void Sequencer::Await(Continuation k, uint32_t pc, ChannelId) { Park(k, StepRequest::Card(pc)); }
void Sequencer::Print(Continuation k, uint32_t pc, int64_t value) {
  Park(k, StepRequest::Card(pc, value));
}

void Sequencer::Done(StackId stack) {
  bool ended;
  {
    MutexLock lock(mutex_);
    scheduler_.Done(stack);
    ended = PumpLocked();
  }
  if (ended) on_end_();
}

// A run error is sequenced like a visible card, so which error a run reports
// does not depend on timing: it takes effect when the scheduler picks the
// failed stack's next step (or, for a failure after the stack's last visible
// card, once nothing else can run).
void Sequencer::Failed(StackId stack, uint32_t pc, const char* what) {
  Park(Continuation(nullptr, stack), StepRequest::Failure(pc, what));
}

void Sequencer::Park(Continuation k, StepRequest request) {
  bool ended;
  {
    MutexLock lock(mutex_);
    k_[k.stack()] = k;
    scheduler_.Park(k.stack(), std::move(request));
    ended = PumpLocked();
  }
  if (ended) on_end_();
}

bool Sequencer::PumpLocked() {
  grants_.clear();
  const bool ended = scheduler_.Pump(grants_);
  for (const Grant& grant : grants_) {
    if (grant.step.is_arrival() || grant.end) continue;
    // Posts: the stack continues on the engine's executor, never in here.
    std::exchange(k_[grant.step.id], std::nullopt)->Resume(grant.value);
  }
  return ended;
}

}  // namespace cardflow
