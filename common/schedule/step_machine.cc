#include "common/schedule/step_machine.h"

#include <fmt/format.h>

#include "common/deck/arithmetic.h"

namespace cardflow {

namespace {

// SplitMix64's finalizer: a bijection on 64 bits with good avalanche.
uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

StepMachine::StepMachine(const Program& program, const StepPlan& plan, Ordering ordering)
    : program_(program),
      plan_(plan),
      ordering_(ordering),
      stacks_(static_cast<uint32_t>(program.stacks.size())) {
  uint32_t regs = 0;
  for (const StackProgram& stack : program.stacks) {
    reg_base_.push_back(regs);
    regs += stack.registers;
  }
  reg_base_.push_back(regs);
  std::vector<uint32_t> notifies(program.channels.size(), 0);
  for (const Instr& instr : program.code) {
    if (instr.op == Op::kNotify) ++notifies[instr.channel];
  }
  uint32_t slots = 0;
  for (uint32_t n : notifies) {
    slot_base_.push_back(slots);
    slots += n;
  }
  slot_base_.push_back(slots);
  table_pos_ = stacks_ + regs;
  counter_pos_ = table_pos_ + static_cast<uint32_t>(program.shared.size());
  slot_pos_ = counter_pos_ + static_cast<uint32_t>(program.channels.size());
  salt_.resize(slot_pos_ + slots);
  for (size_t i = 0; i < salt_.size(); ++i) salt_[i] = Mix64(0x6a09e667f3bcc909ull + i);
  regs_.resize(regs);
  slots_.resize(slots);
  step_.resize(stacks_);
  fail_pc_.resize(stacks_);
  fail_what_.resize(stacks_);
  table_.resize(program.shared.size());
  ch_.resize(program.channels.size());
  Reset();
}

uint64_t StepMachine::Hash(uint32_t position, int64_t value) const {
  return Mix64(salt_[position] ^ static_cast<uint64_t>(value));
}

uint64_t StepMachine::CounterWord(ChannelId c) const {
  const ChannelState& ch = ch_[c];
  return uint64_t{ch.consumed} | uint64_t{ch.arrived} << 21 | uint64_t{ch.sent} << 42;
}

void StepMachine::Reset() {
  undo_.clear();
  reg_log_.clear();
  std::fill(step_.begin(), step_.end(), 0);
  std::fill(fail_pc_.begin(), fail_pc_.end(), 0);
  std::fill(fail_what_.begin(), fail_what_.end(), nullptr);
  std::fill(regs_.begin(), regs_.end(), 0);
  std::fill(ch_.begin(), ch_.end(), ChannelState{});
  for (VarId v = 0; v < table_.size(); ++v) table_[v] = program_.shared[v].initial;
  ended_ = 0;
  failed_ = 0;
  fingerprint_ = 0;
  for (StackId s = 0; s < stacks_; ++s) {
    fingerprint_ ^= Hash(s, 0);
    if (plan_.Steps(s) == 0) ++ended_;
  }
  for (uint32_t r = 0; r < regs_.size(); ++r) fingerprint_ ^= Hash(stacks_ + r, 0);
  for (VarId v = 0; v < table_.size(); ++v) fingerprint_ ^= Hash(table_pos_ + v, table_[v]);
  for (ChannelId c = 0; c < ch_.size(); ++c) fingerprint_ ^= Hash(counter_pos_ + c, 0);
}

const Instr* StepMachine::NextCard(StackId s) const {
  if (!Live(s)) return nullptr;
  const uint32_t pc = plan_.VisiblePc(s, step_[s]);
  const auto code = program_.Code(s);
  return pc < code.size() ? &code[pc] : nullptr;
}

bool StepMachine::Enabled(Step step) const {
  if (step.is_arrival()) return InFlight(step.id);
  if (!Live(step.id)) return false;
  if (ordering_ == Ordering::kNone) return true;
  const Instr* card = NextCard(step.id);
  return card == nullptr || card->op != Op::kAwait || !InboxEmpty(card->channel);
}

std::optional<std::string> StepMachine::WhyNot(Step step) const {
  if (RunOver()) {
    return AnyFailed() ? std::string("the run is over: it stopped on a run error")
                       : std::string("the run is over: every stack has ended");
  }
  if (Enabled(step)) return std::nullopt;
  if (step.is_arrival()) {
    const Channel& ends = program_.channels[step.id];
    return fmt::format("no callback from {} to {} is in flight", program_.stacks[ends.from].name,
                       program_.stacks[ends.to].name);
  }
  const StackProgram& stack = program_.stacks[step.id];
  if (Ended(step.id)) return fmt::format("stack {} has ended", stack.name);
  const Instr& card = *NextCard(step.id);
  const uint32_t pc = plan_.VisiblePc(step.id, step_[step.id]);
  // Where, as run errors say it: a card in a `repeat` names its iteration.
  return fmt::format("stack {} waits at `{}` ({}) and no callback from {} has arrived", stack.name,
                     program_.CardText(step.id, pc), CardPlace(program_, step.id, pc),
                     program_.stacks[program_.Peer(card)].name);
}

void StepMachine::SetStepWord(StackId s, uint32_t step, bool failed) {
  const uint64_t old_word = step_[s] | (fail_what_[s] ? uint64_t{1} << 32 : 0);
  const uint64_t new_word = step | (failed ? uint64_t{1} << 32 : 0);
  fingerprint_ ^= Hash(s, static_cast<int64_t>(old_word)) ^ Hash(s, static_cast<int64_t>(new_word));
  step_[s] = step;
}

StepEffect StepMachine::Apply(Step step) {
  StepEffect effect;
  UndoRecord record;
  record.fingerprint = fingerprint_;
  record.step = step;
  if (step.is_arrival()) {
    ChannelState& ch = ch_[step.id];
    const uint64_t before = CounterWord(step.id);
    ++ch.arrived;
    fingerprint_ ^= Hash(counter_pos_ + step.id, static_cast<int64_t>(before)) ^
                    Hash(counter_pos_ + step.id, static_cast<int64_t>(CounterWord(step.id)));
    effect.seq = ch.arrived;
    effect.channel = step.id;
    effect.value = slots_[slot_base_[step.id] + ch.arrived - 1];
    undo_.push_back(record);
    return effect;
  }
  const StackId s = step.id;
  const uint32_t k = step_[s];
  const auto code = program_.Code(s);
  const uint32_t base = reg_base_[s];
  const uint32_t nregs = reg_base_[s + 1] - base;
  int64_t* regs = regs_.data() + base;
  record.reg_log = static_cast<uint32_t>(reg_log_.size());
  reg_log_.insert(reg_log_.end(), regs, regs + nregs);
  const auto value_of = [regs](const Instr& instr) {
    const Operand value = instr.value();
    return value.is_register ? regs[value.reg] : value.literal;
  };
  const uint32_t visible = plan_.VisiblePc(s, k);
  for (uint32_t pc = plan_.StartPc(s, k); pc < visible; ++pc) {
    const Instr& instr = code[pc];
    if (instr.op == Op::kWork || instr.op == Op::kSleep) continue;
    if (const char* what = Arithmetic(instr.op, regs[instr.reg], value_of(instr))) {
      effect.failure = what;
      effect.failure_pc = pc;
      break;
    }
  }
  if (!effect.failure && visible < code.size()) {
    const Instr& card = code[visible];
    effect.op = card.op;
    if (card.op == Op::kNotify || card.op == Op::kAwait) effect.channel = card.channel;
    switch (card.op) {
      case Op::kRead:
        effect.value = regs[card.reg] = table_[card.var];
        break;
      case Op::kWrite: {
        record.old_value = table_[card.var];
        effect.value = value_of(card);
        fingerprint_ ^= Hash(table_pos_ + card.var, record.old_value) ^
                        Hash(table_pos_ + card.var, effect.value);
        table_[card.var] = effect.value;
        break;
      }
      case Op::kNotify: {
        ChannelState& ch = ch_[card.channel];
        const uint64_t before = CounterWord(card.channel);
        effect.value = value_of(card);
        const uint32_t slot = slot_base_[card.channel] + ch.sent;
        slots_[slot] = effect.value;
        fingerprint_ ^= Hash(slot_pos_ + slot, effect.value);
        effect.seq = ++ch.sent;
        fingerprint_ ^=
            Hash(counter_pos_ + card.channel, static_cast<int64_t>(before)) ^
            Hash(counter_pos_ + card.channel, static_cast<int64_t>(CounterWord(card.channel)));
        break;
      }
      case Op::kAwait: {
        ChannelState& ch = ch_[card.channel];
        ++ch.awaited;
        if (ch.arrived > ch.consumed) {
          const uint64_t before = CounterWord(card.channel);
          const uint32_t slot = slot_base_[card.channel] + ch.consumed;
          effect.value = slots_[slot];
          fingerprint_ ^= Hash(slot_pos_ + slot, effect.value);
          effect.seq = ++ch.consumed;
          fingerprint_ ^=
              Hash(counter_pos_ + card.channel, static_cast<int64_t>(before)) ^
              Hash(counter_pos_ + card.channel, static_cast<int64_t>(CounterWord(card.channel)));
          effect.consumed = record.consumed = true;
          if (card.has_reg) regs[card.reg] = effect.value;
        }
        break;
      }
      case Op::kPrint:
        effect.value = value_of(card);
        break;
      default:
        break;
    }
  }
  for (uint32_t r = 0; r < nregs; ++r) {
    const int64_t old = reg_log_[record.reg_log + r];
    if (old != regs[r])
      fingerprint_ ^= Hash(stacks_ + base + r, old) ^ Hash(stacks_ + base + r, regs[r]);
  }
  if (effect.failure) {
    record.failed = true;
    SetStepWord(s, k, true);
    fail_what_[s] = effect.failure;
    fail_pc_[s] = effect.failure_pc;
    ++failed_;
  } else {
    SetStepWord(s, k + 1, false);
    if (k + 1 == plan_.Steps(s)) {
      ++ended_;
      effect.end = true;
    }
  }
  undo_.push_back(record);
  return effect;
}

void StepMachine::Undo() {
  const UndoRecord record = undo_.back();
  undo_.pop_back();
  fingerprint_ = record.fingerprint;
  if (record.step.is_arrival()) {
    --ch_[record.step.id].arrived;
    return;
  }
  const StackId s = record.step.id;
  if (record.failed) {
    fail_what_[s] = nullptr;
    --failed_;
  } else {
    if (step_[s] == plan_.Steps(s)) --ended_;
    --step_[s];
  }
  const uint32_t base = reg_base_[s];
  std::copy(reg_log_.begin() + record.reg_log, reg_log_.end(), regs_.begin() + base);
  reg_log_.resize(record.reg_log);
  if (record.failed) return;
  const uint32_t visible = plan_.VisiblePc(s, step_[s]);
  const auto code = program_.Code(s);
  if (visible == code.size()) return;
  const Instr& card = code[visible];
  switch (card.op) {
    case Op::kWrite:
      table_[card.var] = record.old_value;
      break;
    case Op::kNotify:
      --ch_[card.channel].sent;
      break;
    case Op::kAwait:
      --ch_[card.channel].awaited;
      if (record.consumed) --ch_[card.channel].consumed;
      break;
    default:
      break;
  }
}

bool StepMachine::OrderViolation() const {
  for (const ChannelState& ch : ch_) {
    if (ch.consumed < ch.awaited) return true;
  }
  return false;
}

}  // namespace cardflow
