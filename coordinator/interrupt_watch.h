// InterruptWatch: SIGINT and SIGTERM during a long command turned into a
// flag the command polls, so that `run` can stop launching runs, finish
// the ones in flight and still print what it has.
//
// Construct it before the command starts any thread: the signals are
// blocked in the constructing thread (every later thread inherits the mask)
// and a watcher thread takes them from a signalfd. The first signal sets
// stop() and calls `on_signal` (from the watcher thread); a second one ends
// the process at once with status 130, for a user who does not want to wait
// for the runs in flight. Stop() ends the watcher, leaving the signals
// blocked (so a later sigwait, such as --metrics-linger's, still gets
// them); the destructor stops it and restores the previous mask.
#pragma once

#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace cardflow {

class InterruptWatch {
 public:
  explicit InterruptWatch(std::function<void(int signal)> on_signal = {});
  ~InterruptWatch();
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

  // True once SIGINT or SIGTERM arrived; stays true.
  const std::atomic<bool>& stop() const { return stop_; }
  // The signal that set stop(), 0 before.
  int signal() const { return signal_.load(); }

  // Ends the watcher thread; idempotent. Signals stay blocked.
  void Stop();

 private:
  void Watch();

  std::function<void(int)> on_signal_;
  sigset_t signals_;
  sigset_t previous_;
  int signal_fd_ = -1;
  int wake_fd_ = -1;  // an eventfd that ends Watch()
  std::atomic<bool> stop_{false};
  std::atomic<int> signal_{0};
  std::thread watcher_;
};

}  // namespace cardflow
