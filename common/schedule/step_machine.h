// StepMachine: what each step of a deck does, without an engine — the
// state of one run (every stack's step and registers, the shared table and
// the callbacks on every channel) and the steps that change it, applied and
// undone in place.
//
// It is the step semantics of DECK.md ("Schedules") executed directly: the
// explorer behind `check` walks every schedule with it, and the schedule
// replayer uses it to check a schedule file before anything runs. Local
// cards run inside the step that follows them (register arithmetic through
// common/deck/arithmetic.h, the engine's own; `work` and `sleep` take no
// time here).
//
// Two ways of ending, on purpose:
//   - A *run* ends when every stack has ended or one has stopped on a run
//     error (RunOver()); that is what schedules and replays see.
//   - The explorer treats a run error as stopping only its stack, and lets
//     callbacks in flight arrive after the stacks have ended. Those steps
//     commute with every other stack's, which keeps partial-order reduction
//     sound without making a stack's last step depend on every arrival
//     (docs/check.md); witnesses drop the extra arrivals again.
//
// The state's fingerprint is kept incrementally (Zobrist-style: an XOR of a
// 64-bit mix of every (position, value) pair), so a step costs O(cards it
// runs + registers of its stack), not O(state).
//
// Thread-safety: none; one machine per thread. The Program and StepPlan
// must outlive it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/deck/program.h"
#include "common/schedule/step.h"

namespace cardflow {

// What one applied step did, for stories and checks.
struct StepEffect {
  Op op = Op::kSet;       // the visible card's op; kSet for an end step or an arrival
  bool end = false;       // the stack ran to its end (end step, or its last card was visible)
  bool consumed = false;  // await: took a callback (false: it found none, `none` mode)
  int64_t value = 0;      // read/await: value taken; write/notify/print: value given
  uint64_t seq = 0;       // notify/await/arrival: callback number on its channel (1-based)
  ChannelId channel = 0;  // notify/await/arrival
  const char* failure = nullptr;  // run error reason; the stack stopped at failure_pc
  uint32_t failure_pc = 0;
};

class StepMachine {
 public:
  StepMachine(const Program& program, const StepPlan& plan, Ordering ordering);

  const Program& program() const { return program_; }
  const StepPlan& plan() const { return plan_; }
  Ordering ordering() const { return ordering_; }

  // Whether `step` may be taken now. Arrivals stay enabled after the run is
  // over (see above); callers replaying a run check RunOver() first.
  bool Enabled(Step step) const;
  // Why `step` may not be taken now in a run, as DECK.md's replay errors
  // word it ("no callback from A to B is in flight"); nullopt if it may.
  std::optional<std::string> WhyNot(Step step) const;
  // Every stack has ended, or some stack stopped on a run error.
  bool RunOver() const { return failed_ > 0 || ended_ == stacks_; }
  bool AnyFailed() const { return failed_ > 0; }

  // Takes an enabled step; Undo() reverts the latest step not yet undone.
  StepEffect Apply(Step step);
  void Undo();
  // Back to the initial state.
  void Reset();
  size_t depth() const { return undo_.size(); }

  uint64_t fingerprint() const { return fingerprint_; }

  // --- the state, for the explorer and for stories ---
  uint32_t StepOf(StackId stack) const { return step_[stack]; }
  bool Ended(StackId stack) const { return step_[stack] == plan_.Steps(stack); }
  bool Failed(StackId stack) const { return fail_what_[stack] != nullptr; }
  bool Live(StackId stack) const { return !Ended(stack) && !Failed(stack); }
  const char* FailureOf(StackId stack) const { return fail_what_[stack]; }
  uint32_t FailurePc(StackId stack) const { return fail_pc_[stack]; }
  // The visible card the stack's next step ends in; nullptr for an end step
  // (or a stack that has ended or failed).
  const Instr* NextCard(StackId stack) const;
  bool InFlight(ChannelId channel) const { return ch_[channel].sent > ch_[channel].arrived; }
  // How many callbacks the channel's receiver has taken.
  uint32_t Consumed(ChannelId channel) const { return ch_[channel].consumed; }
  bool InboxEmpty(ChannelId channel) const { return ch_[channel].arrived == ch_[channel].consumed; }
  int64_t SharedValue(VarId var) const { return table_[var]; }
  // Some await took fewer callbacks than it awaited: it missed the one it
  // matches (DECK.md's order violation; `none` mode only).
  bool OrderViolation() const;
  // The registers of `stack` (StackProgram::registers order) and the table.
  std::vector<int64_t> RegistersOf(StackId stack) const {
    return {regs_.begin() + reg_base_[stack], regs_.begin() + reg_base_[stack + 1]};
  }
  const std::vector<int64_t>& table() const { return table_; }

 private:
  struct ChannelState {
    uint32_t consumed = 0, arrived = 0, sent = 0, awaited = 0;
  };
  struct UndoRecord {
    uint64_t fingerprint = 0;
    Step step;
    uint32_t reg_log = 0;   // where the stack's saved registers start in reg_log_
    int64_t old_value = 0;  // write: the variable's old value
    bool failed = false;    // the step stopped its stack on a run error
    bool consumed = false;  // await: took a callback
  };

  uint64_t Hash(uint32_t position, int64_t value) const;
  uint64_t CounterWord(ChannelId c) const;
  void SetStepWord(StackId s, uint32_t step, bool failed);

  const Program& program_;
  const StepPlan& plan_;
  const Ordering ordering_;
  const uint32_t stacks_;
  // Positions of the state words, for the fingerprint.
  std::vector<uint32_t> reg_base_;   // per stack, into regs_ (and position n + it)
  std::vector<uint32_t> slot_base_;  // per channel, into slots_
  uint32_t table_pos_ = 0, counter_pos_ = 0, slot_pos_ = 0;
  std::vector<uint64_t> salt_;  // per position

  std::vector<uint32_t> step_;
  std::vector<uint32_t> fail_pc_;
  std::vector<const char*> fail_what_;
  std::vector<int64_t> regs_;
  std::vector<int64_t> table_;
  std::vector<ChannelState> ch_;
  std::vector<int64_t> slots_;  // per channel, slot k holds callback k+1's value
  uint32_t ended_ = 0, failed_ = 0;
  uint64_t fingerprint_ = 0;
  std::vector<UndoRecord> undo_;
  std::vector<int64_t> reg_log_;
};

}  // namespace cardflow
