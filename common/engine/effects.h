// Effects: the one seam between the engine and where it runs.
//
// The engine executes cards. Every card whose effect someone else can see
// (read, write, notify, await, print) is handed to Effects, and the stack
// stays suspended — holding no thread — until Effects resumes it through the
// Continuation it was given. Local placement implements Effects with an
// in-process table and a seeded scheduler; a node implements it with the
// coordinator's table over gRPC and peer streams. The engine never knows
// which.
#pragma once

#include <cstdint>
#include <optional>

#include "common/deck/program.h"

namespace cardflow {

class Engine;

// A suspended stack. Resume it exactly once, from any thread; the engine
// continues the stack on its own executor, never inside the call.
class Continuation {
 public:
  Continuation(Engine* engine, StackId stack) : engine_(engine), stack_(stack) {}

  // `value`: the value read (read), the callback's value (await), or nothing
  // (write, notify, print, and an await that found no callback in `none` mode).
  void Resume(std::optional<int64_t> value) const;
  StackId stack() const { return stack_; }

 private:
  Engine* engine_;
  StackId stack_;
};

class Effects {
 public:
  virtual ~Effects() = default;

  // `pc` is the index of the card in its stack, for events.
  virtual void Read(Continuation k, uint32_t pc, VarId var) = 0;
  virtual void Write(Continuation k, uint32_t pc, VarId var, int64_t value) = 0;
  // The callback travels on Program::channels[channel]; it arrives at the
  // receiver some time later, after every earlier one on that channel.
  // Resuming the sender must not wait for the arrival.
  virtual void Notify(Continuation k, uint32_t pc, ChannelId channel, int64_t value) = 0;
  // Callbacks mode: resume with the next callback on `channel` once it has
  // arrived. None mode: resume now, with it if it has arrived, else nullopt.
  virtual void Await(Continuation k, uint32_t pc, ChannelId channel) = 0;
  virtual void Print(Continuation k, uint32_t pc, int64_t value) = 0;

  // The stack ran its last card (Done) or stopped on a run error (Failed).
  // Exactly one of the two is called once per stack the engine runs, unless
  // the engine is cancelled first.
  virtual void Done(StackId stack) = 0;
  virtual void Failed(StackId stack, uint32_t pc, const char* what) = 0;
};

}  // namespace cardflow
