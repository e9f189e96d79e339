// TestSocket: a blocking loopback TCP client for the proxy tests, with
// every wait bounded (poll with a deadline), so a test that expects silence
// can assert it for a fixed time and a broken proxy fails instead of hanging.
#pragma once

#include <chrono>
#include <memory>
#include <string>

namespace cardflow::chaos::testing {

class TestSocket {
 public:
  // How a bounded read ended.
  enum class End { kData, kEof, kReset, kTimeout, kError };
  struct ReadResult {
    std::string data;  // what arrived before the end
    End end = End::kData;
  };

  // Connects to host:port; null with errno's text in *error (e.g.
  // "Connection refused") if that fails.
  static std::unique_ptr<TestSocket> Connect(const std::string& host_port, std::string* error);

  ~TestSocket();
  TestSocket(const TestSocket&) = delete;
  TestSocket& operator=(const TestSocket&) = delete;

  // Writes all of `data`; false if the connection failed.
  bool Send(const std::string& data);
  // Shuts down the sending side (a half-close: the peer reads EOF).
  void ShutdownSend();

  // Reads until `size` bytes came (end kData), or the stream ended, or
  // `timeout` passed.
  ReadResult Read(size_t size, std::chrono::milliseconds timeout);
  // Reads until EOF, reset or `timeout`.
  ReadResult ReadToEnd(std::chrono::milliseconds timeout);
  // Whether nothing at all — no byte, no EOF, no reset — arrives in `window`.
  bool SilentFor(std::chrono::milliseconds window);

  int fd() const { return fd_; }

 private:
  explicit TestSocket(int fd) : fd_(fd) {}
  ReadResult ReadUntil(size_t size, std::chrono::steady_clock::time_point deadline);

  int fd_;
};

}  // namespace cardflow::chaos::testing
