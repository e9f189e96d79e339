// EchoServer: a loopback TCP echo server on a thread of its own (one Asio
// executor), the upstream every proxy test forwards to. It sends back every
// byte it reads and answers a half-close with its own once all is echoed.
#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <atomic>
#include <string>
#include <thread>

namespace cardflow::chaos::testing {

class EchoServer {
 public:
  EchoServer();   // listening on 127.0.0.1, a free port
  ~EchoServer();  // stops and joins
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  // "127.0.0.1:PORT"
  std::string address() const;
  // Connections accepted so far.
  int accepted() const { return accepted_; }

 private:
  void Accept();

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

}  // namespace cardflow::chaos::testing
