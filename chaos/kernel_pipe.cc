#include "chaos/kernel_pipe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace cardflow::chaos {

namespace {

KernelPipe::Moved Splice(int from, int to, size_t size) {
  KernelPipe::Moved moved;
  for (;;) {
    const ssize_t n = splice(from, nullptr, to, nullptr, size, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) {
      moved.bytes = static_cast<size_t>(n);
    } else if (n == 0) {
      moved.eof = true;
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN) {
      moved.would_block = true;
    } else {
      moved.error = std::error_code(errno, std::system_category());
    }
    return moved;
  }
}

}  // namespace

std::unique_ptr<KernelPipe> KernelPipe::Create(size_t capacity, std::error_code* error) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    *error = std::error_code(errno, std::system_category());
    return nullptr;
  }
  // A larger pipe moves more per call; the OS may cap it (pipe-max-size,
  // per-user limits), and the default it keeps then still works.
  const int granted = fcntl(fds[1], F_SETPIPE_SZ, static_cast<int>(capacity));
  const int actual = granted > 0 ? granted : fcntl(fds[1], F_GETPIPE_SZ);
  if (actual <= 0) {
    *error = std::error_code(errno, std::system_category());
    close(fds[0]);
    close(fds[1]);
    return nullptr;
  }
  return std::unique_ptr<KernelPipe>(new KernelPipe(fds[0], fds[1], static_cast<size_t>(actual)));
}

KernelPipe::~KernelPipe() {
  close(read_fd_);
  close(write_fd_);
}

KernelPipe::Moved KernelPipe::Fill(int fd) {
  if (full()) {
    Moved none;
    none.would_block = true;
    return none;
  }
  Moved moved = Splice(fd, write_fd_, capacity_ - size_);
  size_ += moved.bytes;
  return moved;
}

KernelPipe::Moved KernelPipe::Drain(int fd) {
  if (empty()) return Moved{};
  Moved moved = Splice(read_fd_, fd, size_);
  size_ -= moved.bytes;
  return moved;
}

}  // namespace cardflow::chaos
