#include "coordinator/progress.h"

#include <cstdio>
#include <string>

namespace cardflow {

namespace {

constexpr int kBarCells = 30;

int64_t Nanos(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

}  // namespace

ProgressBar::ProgressBar(std::ostream& out, uint64_t total, bool enabled)
    : out_(out),
      total_(total),
      enabled_(enabled),
      start_(Clock::now()),
      next_draw_ns_(Nanos(kQuietPeriod)) {}

ProgressBar::~ProgressBar() { Clear(); }

bool ProgressBar::Wanted(bool is_terminal, uint64_t total) { return is_terminal && total > 1; }

void ProgressBar::Update(uint64_t done) {
  if (!enabled_) return;
  const int64_t now = Nanos(Clock::now() - start_);
  int64_t due = next_draw_ns_.load(std::memory_order_relaxed);
  if (now < due) return;
  // Only the thread that moves the deadline draws; the others go back to work.
  if (!next_draw_ns_.compare_exchange_strong(due, now + Nanos(kRedrawPeriod),
                                             std::memory_order_relaxed)) {
    return;
  }
  std::unique_lock lock(draw_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  Draw(done);
}

void ProgressBar::Draw(uint64_t done) {
  const uint64_t shown = done < total_ ? done : total_;
  const int eighths = total_ == 0 ? 0 : static_cast<int>(shown * kBarCells * 8 / total_);
  static const char* const kEighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  std::string bar;
  for (int i = 0; i < eighths / 8; ++i) bar += "█";
  bar += kEighths[eighths % 8];
  bar.append(kBarCells - eighths / 8 - (eighths % 8 != 0 ? 1 : 0), ' ');
  char counts[64];
  std::snprintf(counts, sizeof counts, "] %llu/%llu %3d%%", static_cast<unsigned long long>(shown),
                static_cast<unsigned long long>(total_),
                total_ == 0 ? 100 : static_cast<int>(shown * 100 / total_));
  // \r back to column 0, \033[K erase what a longer earlier line left.
  out_ << "\rruns [" << bar << counts << "\033[K" << std::flush;
  drawn_ = true;
}

void ProgressBar::Clear() {
  if (!enabled_) return;
  std::lock_guard lock(draw_mutex_);
  if (!drawn_) return;
  out_ << "\r\033[K" << std::flush;
  drawn_ = false;
}

}  // namespace cardflow
