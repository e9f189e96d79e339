#include "tests/chaos/test_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace cardflow::chaos::testing {

std::unique_ptr<TestSocket> TestSocket::Connect(const std::string& host_port, std::string* error) {
  const size_t colon = host_port.rfind(':');
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(std::stoi(host_port.substr(colon + 1))));
  if (inet_pton(AF_INET, host_port.substr(0, colon).c_str(), &address.sin_addr) != 1) {
    *error = "not an IPv4 address: " + host_port;
    return nullptr;
  }
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    *error = std::strerror(errno);
    if (fd >= 0) close(fd);
    return nullptr;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return std::unique_ptr<TestSocket>(new TestSocket(fd));
}

TestSocket::~TestSocket() { close(fd_); }

bool TestSocket::Send(const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

void TestSocket::ShutdownSend() { shutdown(fd_, SHUT_WR); }

TestSocket::ReadResult TestSocket::ReadUntil(size_t size,
                                             std::chrono::steady_clock::time_point deadline) {
  ReadResult result;
  std::vector<char> buffer(64 * 1024);
  while (result.data.size() < size) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.end = End::kTimeout;
      return result;
    }
    pollfd p{fd_, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the loop's deadline check ends it
    const size_t want = std::min(buffer.size(), size - result.data.size());
    const ssize_t n = recv(fd_, buffer.data(), want, 0);
    if (n > 0) {
      result.data.append(buffer.data(), static_cast<size_t>(n));
    } else if (n == 0) {
      result.end = End::kEof;
      return result;
    } else if (errno != EINTR && errno != EAGAIN) {
      result.end = errno == ECONNRESET ? End::kReset : End::kError;
      return result;
    }
  }
  result.end = End::kData;
  return result;
}

TestSocket::ReadResult TestSocket::Read(size_t size, std::chrono::milliseconds timeout) {
  return ReadUntil(size, std::chrono::steady_clock::now() + timeout);
}

TestSocket::ReadResult TestSocket::ReadToEnd(std::chrono::milliseconds timeout) {
  return ReadUntil(static_cast<size_t>(-1), std::chrono::steady_clock::now() + timeout);
}

bool TestSocket::SilentFor(std::chrono::milliseconds window) {
  pollfd p{fd_, POLLIN, 0};
  const auto deadline = std::chrono::steady_clock::now() + window;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    return ready == 0;
  }
}

}  // namespace cardflow::chaos::testing
