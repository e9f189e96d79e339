// Step: the unit a schedule is made of, and StepPlan: which cards each step
// of a stack runs. This is the one definition of "step" that the seeded
// sequencer, the explorer behind `check` and the schedule replayer share
// (DECK.md, "Schedules").
//
// A visible step is either
//   - a stack step `A`: stack A runs its local cards up to and including its
//     next visible card (read, write, notify, await, print), or, when it has
//     none left, to its end; or
//   - an arrival `A>B`: the oldest callback in flight from A to B arrives in
//     B's inbox.
// A stack whose last card is visible ends with that step; one with local
// cards after its last visible card, or with no visible card at all (an
// empty stack included), ends with one more step: its *end step*.
#pragma once

#include <cstdint>
#include <vector>

#include "common/deck/program.h"

namespace cardflow {

struct Step {
  enum class Kind : uint8_t { kStack, kArrival };
  Kind kind = Kind::kStack;
  uint32_t id = 0;  // kStack: the StackId; kArrival: the ChannelId

  static Step OfStack(StackId stack) { return Step{Kind::kStack, stack}; }
  static Step Arrival(ChannelId channel) { return Step{Kind::kArrival, channel}; }
  bool is_arrival() const { return kind == Kind::kArrival; }
  bool operator==(const Step&) const = default;
};

// Who orders a run's visible steps (DECK.md, "The shuffle on every
// placement"): the seeded scheduler (every local run; remote runs with
// --shuffle seeded), or nobody — the nodes and the network (remote only).
enum class Shuffle : uint8_t { kSeeded, kNetwork };

// One run's visible steps, in order.
using Schedule = std::vector<Step>;

// For every stack, where each of its steps starts and which visible card it
// ends in. Built once per Program (O(cards)); immutable and safe to share
// between threads.
class StepPlan {
 public:
  explicit StepPlan(const Program& program);

  // How many stack steps `stack` takes from start to end (its visible cards,
  // plus one if it has an end step).
  uint32_t Steps(StackId stack) const { return VisibleCount(stack) + (has_end_[stack] ? 1 : 0); }
  // The pc of the visible card that step `k` of `stack` ends in, or the
  // stack's card count for its end step. k < Steps(stack).
  uint32_t VisiblePc(StackId stack, uint32_t k) const {
    return k < VisibleCount(stack) ? visible_[visible_begin_[stack] + k] : code_size_[stack];
  }
  // The first pc step `k` runs: 0 for the first step, else one past the
  // previous step's visible card.
  uint32_t StartPc(StackId stack, uint32_t k) const {
    return k == 0 ? 0 : visible_[visible_begin_[stack] + k - 1] + 1;
  }
  // The step the card at `pc` belongs to (pc may be the card count: the end).
  uint32_t StepAt(StackId stack, uint32_t pc) const;

 private:
  uint32_t VisibleCount(StackId stack) const {
    return visible_begin_[stack + 1] - visible_begin_[stack];
  }

  // The pcs of every stack's visible cards, stack after stack (one array:
  // a big deck's per-stack vectors would be an allocation each); stack s's
  // are [visible_begin_[s], visible_begin_[s + 1]).
  std::vector<uint32_t> visible_;
  std::vector<uint32_t> visible_begin_;  // stacks + 1 entries
  std::vector<uint32_t> code_size_;
  std::vector<bool> has_end_;
};

}  // namespace cardflow

#include "common/events/event.h"

namespace cardflow {

// A schedule for a run that no scheduler picked (remote placement with
// `--shuffle network`): its events, which must be sorted in an order
// consistent with happens-before (by (lamport, stack)), read as steps, with
// each stack's end step right after its last visible step, arrivals of
// callbacks never taken left out, and, when `failed` is set, that stack's
// failing step last. Replays to the run's outcome when the order is one the
// run could have taken (a missed await in `none` mode that the nodes
// decided before an arrival they stamped earlier may not: the seeded
// shuffle on every placement, not yet built, fixes that).
Schedule ScheduleFromEvents(const Program& program, const StepPlan& plan,
                            const std::vector<Event>& events, const StackId* failed);

}  // namespace cardflow
