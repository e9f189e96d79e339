#include "coordinator/progress.h"

#include <cstdio>
#include <string>

namespace cardflow {

namespace {

constexpr int kBarCells = 30;

int64_t Nanos(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

// "0:07", "12:34", "3:02:01".
std::string Duration(uint64_t seconds) {
  char text[32];
  if (seconds >= 3600) {
    std::snprintf(text, sizeof text, "%llu:%02llu:%02llu",
                  static_cast<unsigned long long>(seconds / 3600),
                  static_cast<unsigned long long>(seconds / 60 % 60),
                  static_cast<unsigned long long>(seconds % 60));
  } else {
    std::snprintf(text, sizeof text, "%llu:%02llu", static_cast<unsigned long long>(seconds / 60),
                  static_cast<unsigned long long>(seconds % 60));
  }
  return text;
}

}  // namespace

std::string WithCommas(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

namespace {

// "4,012 runs/s  ETA 0:03" once something is done, else "".
std::string RateAndEta(uint64_t done, uint64_t total, double seconds) {
  if (done == 0 || seconds <= 0) return "";
  const double rate = static_cast<double>(done) / seconds;
  std::string out = WithCommas(static_cast<uint64_t>(rate)) + " runs/s";
  if (done < total) {
    out += "  ETA " + Duration(static_cast<uint64_t>(static_cast<double>(total - done) / rate));
  }
  return out;
}

}  // namespace

ProgressBar::ProgressBar(std::ostream& out, uint64_t total, bool enabled, bool lines)
    : out_(out),
      total_(total),
      enabled_(enabled),
      lines_(lines),
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
  if (!next_draw_ns_.compare_exchange_strong(due, now + Nanos(lines_ ? kLinePeriod : kRedrawPeriod),
                                             std::memory_order_relaxed)) {
    return;
  }
  if (!draw_mutex_.TryLock()) return;
  Draw(done);
  draw_mutex_.Unlock();
}

void ProgressBar::Draw(uint64_t done) {
  const uint64_t shown = done < total_ ? done : total_;
  const int percent = total_ == 0 ? 100 : static_cast<int>(shown * 100 / total_);
  const std::string rate =
      RateAndEta(shown, total_, std::chrono::duration<double>(Clock::now() - start_).count());
  const std::string counts = WithCommas(shown) + "/" + WithCommas(total_);
  if (lines_) {
    out_ << "runs " << counts << " " << percent << "%  " << rate << "\n" << std::flush;
    return;
  }
  const int eighths = total_ == 0 ? 0 : static_cast<int>(shown * kBarCells * 8 / total_);
  static const char* const kEighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  std::string bar;
  for (int i = 0; i < eighths / 8; ++i) bar += "█";
  bar += kEighths[eighths % 8];
  bar.append(kBarCells - eighths / 8 - (eighths % 8 != 0 ? 1 : 0), ' ');
  char tail[32];
  std::snprintf(tail, sizeof tail, " %3d%%  ", percent);
  // \r back to column 0, \033[K erase what a longer earlier line left.
  out_ << "\rruns [" << bar << "] " << counts << tail << rate << "\033[K" << std::flush;
  drawn_ = true;
}

void ProgressBar::Clear() {
  if (!enabled_ || lines_) return;
  MutexLock lock(draw_mutex_);
  if (!drawn_) return;
  out_ << "\r\033[K" << std::flush;
  drawn_ = false;
}

}  // namespace cardflow
