// SeededScheduler: the one scheduler of a seeded run, wherever its stacks
// run — which visible step (common/schedule/step.h) comes next, and what it
// does to the shared table and the channels.
//
// At each point it picks one enabled step uniformly at random (SplitMix64,
// seeded_random.h) from the *logical* state: which step each stack takes
// next (decks are straight-line, so that is known before the stack gets
// there physically), how many callbacks are in flight on each channel, and
// what each inbox holds. Timing never enters the choice, so one seed gives
// one schedule whatever the threads, the nodes or the network do. A schedule
// prefix (run --schedule) is taken first, step by step; the seed picks the
// rest.
//
// Physically, a picked step waits until it can happen:
//   - a stack step until the stack has reached its visible card, its end, or
//     a run error there (Park / Done) — the local cards before it run freely,
//     in parallel, wherever the stack lives;
//   - with `arrivals_reported` (remote placement: callbacks travel node to
//     node), an arrival until the receiver's node has reported that the
//     callback is there (Arrived); locally an arrival happens when picked.
// Every step taken comes out of Pump as a Grant, in schedule order: the
// caller resumes the stack (locally) or tells the node holding it (remote).
//
// Who uses it: the local Sequencer (common/local/sequencer.h) and the
// coordinator's seeded cluster run (coordinator/cluster/cluster_run.cc), so a
// seed means the same schedule on every placement (DECK.md, "The shuffle on
// every placement").
//
// Thread-safety: none; the caller serialises every call. The Program,
// StepPlan and prefix must outlive the scheduler.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/deck/program.h"
#include "common/events/event.h"
#include "common/schedule/callback_delivery.h"
#include "common/schedule/seeded_random.h"
#include "common/schedule/step.h"

namespace cardflow {

// What a stack has physically reached, waiting for its turn.
struct StepRequest {
  uint32_t pc = 0;      // the visible card, or the card that failed
  int64_t value = 0;    // write, notify, print: the value the card gives
  bool done = false;    // the stack ran its last card and waits for its end step
  bool failed = false;  // the stack stopped on a run error at `pc`
  std::string what;     // failed: why ("division by zero")

  static StepRequest Card(uint32_t pc, int64_t value = 0) {
    StepRequest r;
    r.pc = pc;
    r.value = value;
    return r;
  }
  static StepRequest Failure(uint32_t pc, std::string what) {
    StepRequest r;
    r.pc = pc;
    r.failed = true;
    r.what = std::move(what);
    return r;
  }
};

// The go-ahead for one step, in schedule order.
struct Grant {
  Step step;
  // Stack step: the visible card it ends in (the card count for an end step).
  uint32_t pc = 0;
  // Stack step: what the stack resumes with — read: the value read; await:
  // the callback taken (nullopt when it went on without, `none` mode).
  std::optional<int64_t> value;
  // An end step: the stack has already run its last card; nothing resumes.
  bool end = false;
};

// Why a run stopped before every stack ended.
struct RunStop {
  StackId stack = 0;
  uint32_t pc = 0;
  std::string what;       // the run error; empty: a deadlock, `stack` waits at `pc` forever
  bool internal = false;  // `what` is a whole message: the scheduler contradicted itself
};

class SeededScheduler {
 public:
  // `delivery` chooses which callback each arrival brings (FifoDelivery for
  // a real run). `prefix` (checked beforehand with CheckSchedule) is taken
  // first. With `arrivals_reported`, an arrival happens only once Arrived()
  // says its callback is physically there.
  SeededScheduler(const Program& program, const StepPlan& plan, Ordering ordering, uint64_t seed,
                  std::unique_ptr<CallbackDelivery> delivery, const Schedule& prefix = {},
                  bool arrivals_reported = false);

  // The stack has reached the visible card of its next step (or stopped on
  // a run error: `request.failed`). One request per stack at a time.
  void Park(StackId stack, StepRequest request);
  // The stack ran its last card. A stack with an end step then waits for it
  // like a card; one whose last card was visible has ended. Idempotent.
  void Done(StackId stack);
  // The next callback on `channel` is physically at its receiver (only with
  // `arrivals_reported`).
  void Arrived(ChannelId channel);

  // Takes every step it can, appending one Grant per step to `grants`.
  // Returns true once, when the run has just ended (stop() tells how).
  bool Pump(std::vector<Grant>& grants);

  bool ended() const { return ended_; }
  // Set when the run stopped on a run error, a deadlock, or an internal
  // contradiction; nullopt when every stack ended.
  const std::optional<RunStop>& stop() const { return stop_; }
  const std::vector<int64_t>& table() const { return table_; }
  // Every visible effect in schedule order; lamport = position + 1.
  std::vector<Event>& events() { return events_; }
  // The run's schedule: every step in the order it was taken.
  Schedule& schedule() { return schedule_; }

  // --- recovery (remote): a stack starting over on another node ---
  // Steps of `stack` taken so far, and callbacks taken into `channel`'s inbox.
  uint32_t StepsTaken(StackId stack) const { return step_[stack]; }
  uint64_t TakenIn(ChannelId channel) const { return taken_in_[channel]; }
  bool IsDone(StackId stack) const { return done_[stack]; }
  // Forgets what `stack`'s old node reported and the scheduler has not used:
  // its parked request and the callbacks reported at it but not taken in.
  // Its new node reports them again.
  void Forget(StackId stack);

 private:
  static constexpr uint32_t kArrival = 0x8000'0000u;  // candidate tag
  static constexpr uint32_t kNone = 0xffff'ffffu;
  struct Message {
    int64_t value = 0;
    uint64_t seq = 0;
  };

  bool EndWhenSettled();
  void Execute(StackId stack, const StepRequest& request, std::vector<Grant>& grants);
  void Arrive(ChannelId channel);
  void Advance(StackId stack, uint32_t step);
  bool Pick(uint32_t& candidate);
  bool Enabled(StackId stack) const;
  void AddCandidate(uint32_t candidate, uint32_t& position);
  void RemoveCandidate(uint32_t& position);
  bool Stop(StackId stack, uint32_t pc, std::string what, bool internal = false);

  const Program& program_;
  const StepPlan& plan_;
  const Ordering ordering_;
  const bool arrivals_reported_;
  std::unique_ptr<CallbackDelivery> delivery_;  // the callbacks in flight
  SeededRandom random_;
  std::vector<int64_t> table_;
  std::vector<std::deque<Message>> inbox_;  // per channel: arrived, not yet consumed
  std::vector<uint64_t> sent_;              // per channel
  std::vector<uint64_t> taken_in_;          // per channel: arrivals taken
  std::vector<uint64_t> reported_;          // per channel: arrivals physically there
  std::vector<uint32_t> step_;              // next step per stack (StepPlan)
  std::vector<std::optional<StepRequest>> parked_;
  std::vector<bool> done_;                  // stack reported Done
  std::vector<uint32_t> stack_position_;    // in candidates_, or kNone
  std::vector<uint32_t> arrival_position_;  // per channel, in candidates_, or kNone
  std::vector<uint32_t> candidates_;        // stack ids, or kArrival | channel
  std::optional<uint32_t> chosen_;          // picked, not yet physically possible
  uint32_t running_ = 0;                    // stacks not Done
  uint32_t steps_left_ = 0;                 // stacks that have a step left to take
  uint32_t parked_count_ = 0;               // stacks with parked_ set
  bool ended_ = false;
  std::optional<RunStop> stop_;
  const Schedule& prefix_;
  size_t prefix_taken_ = 0;
  Schedule schedule_;
  std::vector<Event> events_;
};

}  // namespace cardflow
