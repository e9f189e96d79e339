#include "tests/chaos/echo_server.h"

#include <asio/write.hpp>
#include <memory>
#include <vector>

namespace cardflow::chaos::testing {

namespace {

// One echoed connection: read, write it all back, read again.
class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(asio::ip::tcp::socket socket) : socket_(std::move(socket)), buffer_(64 * 1024) {}

  void Read() {
    socket_.async_read_some(
        asio::buffer(buffer_), [self = shared_from_this()](const std::error_code& error, size_t n) {
          std::error_code ignored;
          if (error == asio::error::eof) {
            self->socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
            return;
          }
          if (error) return;
          asio::async_write(self->socket_, asio::buffer(self->buffer_, n),
                            [self](const std::error_code& e, size_t) {
                              if (!e) self->Read();
                            });
        });
  }

 private:
  asio::ip::tcp::socket socket_;
  std::vector<char> buffer_;
};

}  // namespace

EchoServer::EchoServer()
    : acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  Accept();
  thread_ = std::thread([this] { io_.run(); });
}

EchoServer::~EchoServer() {
  io_.stop();
  thread_.join();
}

std::string EchoServer::address() const {
  return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
}

void EchoServer::Accept() {
  acceptor_.async_accept([this](const std::error_code& error, asio::ip::tcp::socket socket) {
    if (error) return;
    ++accepted_;
    std::error_code ignored;
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    std::make_shared<Session>(std::move(socket))->Read();
    Accept();
  });
}

}  // namespace cardflow::chaos::testing
