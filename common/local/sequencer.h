// Sequencer: the Effects of local placement — an in-process shared table,
// in-process callback channels, and a seeded scheduler that decides the order
// of every visible step.
//
// Which visible step comes next is the SeededScheduler's choice
// (common/schedule/seeded_scheduler.h) — the same scheduler a seeded run on
// nodes uses, so one seed gives one schedule on every placement. The
// sequencer parks each stack at its visible card until the scheduler takes
// its step, and resumes it then; the local cards between visible steps
// (`work`, arithmetic, `sleep`) run in parallel on the engine's threads.
//
// Every interleaving the spec allows can occur: any enabled step may be
// picked next, arrivals are steps of their own (so an `await` in `none`
// mode can miss a callback sent but not yet arrived), and channels are FIFO:
// which callback an arrival brings is the CallbackDelivery's choice
// (callback_delivery.h), FIFO per channel unless a test wraps it.
//
// Thread-safety: all Effects methods may be called from any thread.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/mutex.h"
#include "common/deck/program.h"
#include "common/engine/effects.h"
#include "common/events/event.h"
#include "common/schedule/callback_delivery.h"
#include "common/schedule/seeded_scheduler.h"
#include "common/schedule/step.h"

namespace cardflow {

class Sequencer final : public Effects {
 public:
  // `on_end` is called once, outside any lock, when every stack is Done or
  // the run has failed (run error or deadlock); see stop(). `delivery`
  // (FifoDelivery for a real run) chooses which callback each arrival brings.
  //
  // `prefix` (may be empty; must outlive the sequencer) is a schedule the
  // run takes first, step by step (checked beforehand with CheckSchedule);
  // the seed picks every step after it.
  Sequencer(const Program& program, const StepPlan& plan, Ordering ordering, uint64_t seed,
            std::unique_ptr<CallbackDelivery> delivery, std::function<void()> on_end,
            const Schedule& prefix = {});

  void Read(Continuation k, uint32_t pc, VarId var) override;
  void Write(Continuation k, uint32_t pc, VarId var, int64_t value) override;
  void Notify(Continuation k, uint32_t pc, ChannelId channel, int64_t value) override;
  void Await(Continuation k, uint32_t pc, ChannelId channel) override;
  void Print(Continuation k, uint32_t pc, int64_t value) override;
  void Done(StackId stack) override;
  void Failed(StackId stack, uint32_t pc, const char* what) override;

  // Read these only after on_end: nothing touches the scheduler then, so
  // they take no lock (and say so to the analysis).
  bool failed() const NO_THREAD_SAFETY_ANALYSIS { return scheduler_.stop().has_value(); }
  const std::optional<RunStop>& stop() const NO_THREAD_SAFETY_ANALYSIS { return scheduler_.stop(); }
  const std::vector<int64_t>& table() const NO_THREAD_SAFETY_ANALYSIS { return scheduler_.table(); }
  std::vector<Event>& events() NO_THREAD_SAFETY_ANALYSIS { return scheduler_.events(); }
  // The run's schedule: every step in the order it was taken.
  Schedule& schedule() NO_THREAD_SAFETY_ANALYSIS { return scheduler_.schedule(); }

 private:
  void Park(Continuation k, StepRequest request) EXCLUDES(mutex_);
  // Pumps the scheduler and resumes the stacks whose steps it took.
  // Returns true when the run just ended.
  bool PumpLocked() REQUIRES(mutex_);

  std::function<void()> on_end_;
  Mutex mutex_;
  SeededScheduler scheduler_ GUARDED_BY(mutex_);
  std::vector<std::optional<Continuation>> k_ GUARDED_BY(mutex_);  // per stack: parked
  std::vector<Grant> grants_ GUARDED_BY(mutex_);                   // scratch
};

}  // namespace cardflow
