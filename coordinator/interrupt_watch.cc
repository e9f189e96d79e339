#include "coordinator/interrupt_watch.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <utility>

namespace cardflow {

InterruptWatch::InterruptWatch(std::function<void(int signal)> on_signal)
    : on_signal_(std::move(on_signal)) {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
  signal_fd_ = signalfd(-1, &signals_, SFD_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC);
  // Without the descriptors the signals stay blocked and pending: the run is
  // then not interruptible, but it still completes and reports.
  if (signal_fd_ >= 0 && wake_fd_ >= 0) watcher_ = std::thread([this] { Watch(); });
}

InterruptWatch::~InterruptWatch() {
  Stop();
  if (signal_fd_ >= 0) close(signal_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

void InterruptWatch::Stop() {
  if (!watcher_.joinable()) return;
  const uint64_t one = 1;
  while (write(wake_fd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
  watcher_.join();
}

void InterruptWatch::Watch() {
  pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) continue;  // EINTR
    if (fds[1].revents != 0) return;
    if (fds[0].revents == 0) continue;
    signalfd_siginfo info;
    if (read(signal_fd_, &info, sizeof info) != sizeof info) continue;
    if (stop_.exchange(true)) std::_Exit(130);  // the second signal: do not wait
    signal_.store(static_cast<int>(info.ssi_signo));
    if (on_signal_) on_signal_(static_cast<int>(info.ssi_signo));
  }
}

}  // namespace cardflow
