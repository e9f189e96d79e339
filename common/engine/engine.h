// Engine: runs stacks as suspended continuations on an Asio executor.
//
// A stack is a program counter and registers. Each card runs as one handler
// on the executor, then the stack yields (the next card is posted, so every
// card boundary is a scheduling point). Visible cards go through Effects and
// suspend the stack until Effects resumes it; `sleep` is an Asio timer;
// `work` burns CPU on whatever worker thread runs it. No thread is ever held
// by a waiting stack, so one engine runs any number of stacks on any number
// of threads.
//
// Lifetime: the engine becomes *idle* when every stack it runs has reported
// Done/Failed, or after Cancel() once no handler of it is queued or running.
// Start()'s `on_idle` is then called exactly once, as the last thing the
// engine does; it may destroy the engine. Destroying it earlier is undefined.
//
// Thread-safety: Cancel() and Continuation::Resume() may be called from any
// thread. Registers() only once the engine is idle.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/thread_pool.hpp>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/deck/program.h"
#include "common/engine/effects.h"

namespace cardflow {

class Engine {
 public:
  // Runs the stacks listed in `mine` (every stack of `program` if empty).
  // `program` and `effects` must outlive the engine.
  Engine(const Program& program, std::vector<StackId> mine, Effects& effects,
         asio::any_io_executor executor);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Posts the first card of every stack. Call once.
  void Start(std::function<void()> on_idle);

  // Stops every stack at its next card boundary and cancels sleeps; stacks
  // suspended in Effects stay suspended and resuming them becomes a no-op.
  // Effects gets no Done/Failed for stacks stopped this way. Idempotent.
  void Cancel();

  // Final registers of `stack` (RegId order).
  const std::vector<int64_t>& Registers(StackId stack) const;

  const std::vector<StackId>& stacks() const { return mine_; }

 private:
  friend class Continuation;
  struct Stack;

  Stack& StackOf(StackId id);
  void Post(Stack& stack);
  void RunCard(Stack& stack);
  void Sleep(Stack& stack, int64_t ms);
  void OnResume(StackId id, std::optional<int64_t> value);
  void Finish(Stack& stack);
  void Acquire() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Release();

  const Program& program_;
  Effects& effects_;
  const asio::any_io_executor executor_;
  // executor_'s target when it is a thread pool's (local runs and nodes),
  // required never to run inline and to treat each post as the continuation
  // of the handler that makes it: the next card of a stack is queued on the
  // posting worker's private queue (no lock, no wake-up of an idle worker at
  // post time) and enters the shared queue when the handler returns. Every
  // card is one post, and posting through any_io_executor's type erasure
  // costs about as much as the post itself (bench/README.md).
  using PoolExecutor = std::decay_t<decltype(asio::require(
      std::declval<asio::thread_pool::executor_type>(), asio::execution::blocking.never,
      asio::execution::relationship.continuation))>;
  const std::optional<PoolExecutor> pool_;
  std::vector<StackId> mine_;
  // Stacks live in one array (no allocation per stack); slot_ maps a StackId
  // to its place there, kNotMine for stacks another engine runs.
  static constexpr uint32_t kNotMine = 0xffff'ffffu;
  std::vector<Stack> stacks_;   // in the order of mine_
  std::vector<uint32_t> slot_;  // by StackId
  // Orders Sleep's timer creation against Cancel. Only sleeping stacks and
  // Cancel take it, so one per engine is enough.
  std::mutex timers_mutex_;

  std::function<void()> on_idle_;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> released_running_{false};  // the "still running" ref is gone
  std::atomic<uint32_t> unfinished_{0};        // stacks not yet Done/Failed
  // One ref while the engine runs, plus one per stack that has a handler or
  // timer queued or running. Idle at zero.
  std::atomic<int64_t> refs_{1};
};

}  // namespace cardflow
