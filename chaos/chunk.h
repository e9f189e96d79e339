// Chunk: a piece of one direction's byte stream on its way through the
// toxics, with the moment it may be written on.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstring>
#include <memory>

namespace cardflow::chaos {

using Clock = std::chrono::steady_clock;

// An owned, uninitialised byte buffer: unlike std::vector<char> it does not
// zero what a read is about to overwrite, which matters at wire speed.
class Bytes {
 public:
  Bytes() = default;
  explicit Bytes(size_t capacity)
      : data_(std::make_unique_for_overwrite<char[]>(capacity)), capacity_(capacity) {}
  // A copy of `size` bytes at `data`.
  static Bytes CopyOf(const char* data, size_t size) {
    Bytes bytes(size);
    std::memcpy(bytes.data(), data, size);
    bytes.size_ = size;
    return bytes;
  }

  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  void resize(size_t size) { size_ = size <= capacity_ ? size : capacity_; }

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

struct Chunk {
  Bytes bytes;
  // For a toxic's input: when the chunk reached it. For its output: the
  // earliest moment the piece may be written.
  Clock::time_point due;
};

}  // namespace cardflow::chaos
