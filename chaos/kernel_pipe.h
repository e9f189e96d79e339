// KernelPipe: a Linux pipe used to move bytes from one socket to another
// with splice(2), so they never enter user space. A direction with no
// acting toxic forwards this way (Pump): on loopback the proxy then copies
// nothing, which is what keeps its throughput near a direct connection's.
//
// Both calls are non-blocking; the sockets must be in non-blocking mode.
// Not thread-safe; owned by one Pump.
#pragma once

#include <cstddef>
#include <memory>
#include <system_error>

namespace cardflow::chaos {

class KernelPipe {
 public:
  // How a splice call ended: `bytes` moved, or the other side has nothing
  // to give / no room (`would_block`), or the source ended (`eof`), or
  // `error`.
  struct Moved {
    size_t bytes = 0;
    bool would_block = false;
    bool eof = false;
    std::error_code error;
  };

  // A pipe of about `capacity` bytes (less if the OS refuses), or null with
  // the reason in *error (out of descriptors, or no splice support).
  static std::unique_ptr<KernelPipe> Create(size_t capacity, std::error_code* error);
  ~KernelPipe();
  KernelPipe(const KernelPipe&) = delete;
  KernelPipe& operator=(const KernelPipe&) = delete;

  // Moves what the socket `fd` has, up to the room left, into the pipe.
  Moved Fill(int fd);
  // Moves what the pipe holds, as much as the socket `fd` takes, out.
  Moved Drain(int fd);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool full() const { return size_ >= capacity_; }

 private:
  KernelPipe(int read_fd, int write_fd, size_t capacity)
      : read_fd_(read_fd), write_fd_(write_fd), capacity_(capacity) {}

  const int read_fd_;
  const int write_fd_;
  const size_t capacity_;
  size_t size_ = 0;  // bytes in the pipe
};

}  // namespace cardflow::chaos
