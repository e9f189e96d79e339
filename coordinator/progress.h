// ProgressBar: "runs [██████▌      ] 1,200/2,000  60%  4,012 runs/s  ETA 0:03"
// redrawn in place on a terminal, so a long `run` shows it is alive and how
// long it has left. It draws nothing for the first kQuietPeriod (short runs
// never flash a bar) and then at most every kRedrawPeriod, and erases itself
// when done, leaving the stream as it was. In lines mode (--progress where
// stderr is not a terminal, e.g. a log file) it writes the same facts as one
// plain line every kLinePeriod instead, and erases nothing.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

#include "common/base/mutex.h"

namespace cardflow {

class ProgressBar {
 public:
  static constexpr std::chrono::milliseconds kQuietPeriod{300};
  static constexpr std::chrono::milliseconds kRedrawPeriod{100};
  static constexpr std::chrono::milliseconds kLinePeriod{1000};

  // Draws on `out` (normally stderr) only when `enabled`; a disabled bar
  // makes every call a no-op. Pass enabled = Wanted(...). With `lines`,
  // plain lines instead of a bar redrawn in place.
  ProgressBar(std::ostream& out, uint64_t total, bool enabled, bool lines = false);
  ~ProgressBar();  // Clear()
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // True when a bar helps: the stream is a terminal and there is more than one run.
  static bool Wanted(bool is_terminal, uint64_t total);

  // `done` runs finished. Any thread, concurrently; cheap when not redrawing
  // (one clock read), and never blocks on another thread's redraw.
  void Update(uint64_t done);

  // Erases the bar if one was drawn. Call once no Update() can still run.
  // Idempotent.
  void Clear();

 private:
  using Clock = std::chrono::steady_clock;

  void Draw(uint64_t done) REQUIRES(draw_mutex_);

  // Constant after construction.
  std::ostream& out_;
  const uint64_t total_;
  const bool enabled_;
  const bool lines_;
  const Clock::time_point start_;

  std::atomic<int64_t> next_draw_ns_;  // since start_; no draw before it
  Mutex draw_mutex_;                   // one drawer at a time (TryLock in Update)
  bool drawn_ GUARDED_BY(draw_mutex_) = false;
};

// 1234567 -> "1,234,567".
std::string WithCommas(uint64_t n);

}  // namespace cardflow
