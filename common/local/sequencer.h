// Sequencer: the Effects of local placement — an in-process shared table,
// in-process callback channels, and a seeded scheduler that decides the order
// of every visible step.
//
// A visible step (common/schedule/step.h) is a stack's step — up to its next
// visible card (read, write, notify, await, print), or its end step — or the
// arrival of a travelling callback. At each point the
// sequencer picks one enabled step uniformly at random from the *logical*
// state: which step each stack will take next (decks are
// straight-line, so that is known before the stack physically gets there),
// how many callbacks are in flight, and what each inbox holds. Timing never
// enters the choice, so one seed gives one schedule of visible effects,
// whatever the thread count — while the local cards between visible steps
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
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/deck/program.h"
#include "common/engine/effects.h"
#include "common/events/event.h"
#include "common/local/callback_delivery.h"
#include "common/local/seeded_random.h"
#include "common/schedule/step.h"

namespace cardflow {

class Sequencer final : public Effects {
 public:
  // `on_end` is called once, outside any lock, when every stack is Done or
  // the run has failed (run error or deadlock); see failed(). `delivery`
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

  // Read these only after on_end.
  bool failed() const { return error_.has_value(); }
  const std::optional<std::string>& error() const { return error_; }
  std::optional<StackId> error_stack() const { return error_stack_; }
  uint32_t error_pc() const { return error_pc_; }
  const std::vector<int64_t>& table() const { return table_; }
  std::vector<Event>& events() { return events_; }
  std::vector<std::string>& log() { return log_; }
  // The run's schedule: every step in the order it was taken.
  Schedule& schedule() { return schedule_; }

 private:
  // A visible card a stack has physically reached, waiting for its turn.
  struct Request {
    Continuation k;
    uint32_t pc = 0;
    int64_t value = 0;
    const char* failure = nullptr;  // set: the stack stopped on a run error at pc
    bool done = false;              // the stack ran its last card; waits for its end step
  };
  struct Message {
    int64_t value = 0;
    uint64_t seq = 0;
  };
  struct ChannelState {
    std::deque<Message> inbox;  // arrived, not yet consumed
    uint64_t sent = 0;
  };
  static constexpr uint32_t kArrival = 0x8000'0000u;  // candidate tag
  static constexpr uint32_t kNone = 0xffff'ffffu;

  void Submit(Continuation k, uint32_t pc, int64_t value);
  void Park(StackId stack, const Request& request);
  // Runs every step it can; returns true when the run just ended.
  bool Pump();
  bool EndWhenSettled();
  void Execute(StackId stack, const Request& request);
  void Arrive(ChannelId channel);
  // The stack's next step: a candidate if it is enabled.
  void Advance(StackId stack, uint32_t step);
  // Picks the next step: the prefix's while it lasts, else a seeded draw.
  // Returns false when the prefix names a step that is not enabled.
  bool Pick(uint32_t& candidate);
  bool Enabled(StackId stack) const;
  void AddCandidate(uint32_t candidate, uint32_t& position);
  void RemoveCandidate(uint32_t& position);
  // Ends the run with a run error (or a deadlock when `what` is empty);
  // returns true when this call ended it.
  bool Fail(StackId stack, uint32_t pc, std::string_view what);

  const Program& program_;
  const StepPlan& plan_;
  const Ordering ordering_;
  std::function<void()> on_end_;

  std::mutex mutex_;
  std::unique_ptr<CallbackDelivery> delivery_;  // the callbacks in flight; guarded by mutex_
  SeededRandom random_;
  std::vector<int64_t> table_;
  std::vector<ChannelState> channels_;
  std::vector<uint32_t> step_;                  // next step per stack (StepPlan)
  std::vector<std::optional<Request>> parked_;  // physically waiting for a turn
  std::vector<bool> done_;                      // stack reported Done
  std::vector<uint32_t> stack_position_;        // in candidates_, or kNone
  std::vector<uint32_t> arrival_position_;      // per channel, in candidates_, or kNone
  std::vector<uint32_t> candidates_;            // stack ids, or kArrival | channel
  std::optional<StackId> chosen_;               // picked, not yet physically there
  uint32_t running_ = 0;                        // stacks not Done
  uint32_t steps_left_ = 0;                     // stacks that have a step left to take
  uint32_t parked_count_ = 0;                   // stacks with parked_ set
  bool ended_ = false;
  std::optional<std::string> error_;
  std::optional<StackId> error_stack_;
  uint32_t error_pc_ = 0;
  const Schedule& prefix_;
  size_t prefix_taken_ = 0;
  Schedule schedule_;
  std::vector<Event> events_;
  std::vector<std::string> log_;
};

}  // namespace cardflow
