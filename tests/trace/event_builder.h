// Test helper: hand-made events of a run of `program`, named by stack and
// variable names. Each event gets the next Lamport time, so events made in
// order form a valid schedule (as a local run records it).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "common/deck/program.h"
#include "common/events/event.h"

namespace cardflow {

class EventBuilder {
 public:
  explicit EventBuilder(const Program& program) : program_(program) {}

  Event Read(const std::string& stack, const std::string& var, int64_t value, uint32_t pc) {
    return Access(EventKind::kRead, stack, var, value, pc);
  }
  Event Write(const std::string& stack, const std::string& var, int64_t value, uint32_t pc) {
    return Access(EventKind::kWrite, stack, var, value, pc);
  }
  Event Send(const std::string& from, const std::string& to, uint32_t seq, int64_t value,
             uint32_t pc) {
    Event e = Next(EventKind::kSend, Stack(from), pc);
    e.set_channel(ChannelOf(from, to));
    e.seq = seq;
    e.value = value;
    return e;
  }
  Event Print(const std::string& stack, int64_t value, uint32_t pc) {
    Event e = Next(EventKind::kPrint, Stack(stack), pc);
    e.value = value;
    return e;
  }
  // Callback `seq` from `from` arrives at `to`.
  Event Arrive(const std::string& from, const std::string& to, uint32_t seq, int64_t value) {
    Event e = Next(EventKind::kArrive, Stack(to), 0);
    e.set_channel(ChannelOf(from, to));
    e.seq = seq;
    e.value = value;
    return e;
  }
  // `stack` awaits `from`, consuming callback `seq` (0: missed it).
  Event Await(const std::string& stack, const std::string& from, uint32_t seq, int64_t value,
              uint32_t pc) {
    Event e = Next(EventKind::kAwait, Stack(stack), pc);
    e.set_channel(ChannelOf(from, stack));
    e.seq = seq;
    e.value = seq == 0 ? 0 : value;
    return e;
  }

 private:
  Event Access(EventKind kind, const std::string& stack, const std::string& var, int64_t value,
               uint32_t pc) {
    Event e = Next(kind, Stack(stack), pc);
    e.set_var(Var(var));
    e.value = value;
    return e;
  }
  Event Next(EventKind kind, StackId stack, uint32_t pc) {
    Event e;
    e.kind = kind;
    e.stack = stack;
    e.pc = pc;
    e.lamport = ++lamport_;
    return e;
  }
  StackId Stack(const std::string& name) const {
    for (StackId s = 0; s < program_.stacks.size(); ++s) {
      if (program_.stacks[s].name == name) return s;
    }
    ADD_FAILURE() << "no stack " << name;
    return 0;
  }
  VarId Var(const std::string& name) const {
    for (VarId v = 0; v < program_.shared.size(); ++v) {
      if (program_.shared[v].name == name) return v;
    }
    ADD_FAILURE() << "no shared variable " << name;
    return 0;
  }
  ChannelId ChannelOf(const std::string& from, const std::string& to) const {
    const StackId f = Stack(from), t = Stack(to);
    for (ChannelId c = 0; c < program_.channels.size(); ++c) {
      if (program_.channels[c].from == f && program_.channels[c].to == t) return c;
    }
    ADD_FAILURE() << "no channel " << from << "->" << to;
    return 0;
  }

  const Program& program_;
  uint64_t lamport_ = 0;
};

}  // namespace cardflow
