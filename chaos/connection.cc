#include "chaos/connection.h"

#include <asio/connect.hpp>
#include <asio/post.hpp>

namespace cardflow::chaos {

Connection::Connection(asio::ip::tcp::socket client, HostPort upstream, const ConnectionSeed& seed,
                       std::function<void()> on_closed)
    : client_(std::move(client)),
      upstream_(client_.get_executor()),
      upstream_address_(std::move(upstream)),
      resolver_(client_.get_executor()),
      connect_timer_(client_.get_executor()),
      termination_timer_(client_.get_executor()),
      upstream_pump_(*this, client_, upstream_, ToxicChain(Stream::kUpstream, seed)),
      downstream_pump_(*this, upstream_, client_, ToxicChain(Stream::kDownstream, seed)),
      on_closed_(std::move(on_closed)) {}

void Connection::Start(std::span<const ToxicEntry> toxics) {
  SyncToxics(toxics);
  if (closed_) return;
  connect_timer_.expires_after(kConnectTimeout);
  connect_timer_.async_wait([self = shared_from_this()](const std::error_code& error) {
    if (!error) self->Close(/*reset=*/true);
  });
  std::error_code not_an_address;
  const asio::ip::address address = asio::ip::make_address(upstream_address_.host, not_an_address);
  if (!not_an_address) {
    upstream_.async_connect(
        asio::ip::tcp::endpoint(address, upstream_address_.port),
        [self = shared_from_this()](const std::error_code& error) { self->OnConnected(error); });
    return;
  }
  resolver_.async_resolve(
      upstream_address_.host, std::to_string(upstream_address_.port),
      [self = shared_from_this()](const std::error_code& error,
                                  const asio::ip::tcp::resolver::results_type& endpoints) {
        if (self->closed_) return;
        if (error) return self->Close(/*reset=*/true);
        self->ConnectUpstream(endpoints);
      });
}

void Connection::ConnectUpstream(const asio::ip::tcp::resolver::results_type& endpoints) {
  asio::async_connect(
      upstream_, endpoints,
      [self = shared_from_this()](const std::error_code& error, const asio::ip::tcp::endpoint&) {
        self->OnConnected(error);
      });
}

void Connection::OnConnected(const std::error_code& error) {
  if (closed_) return;
  connect_timer_.cancel();
  if (error) return Close(/*reset=*/true);
  // Small writes must leave at once: Nagle's delay would add to (and blur)
  // the latency the toxics inject.
  std::error_code ignored;
  client_.set_option(asio::ip::tcp::no_delay(true), ignored);
  upstream_.set_option(asio::ip::tcp::no_delay(true), ignored);
  upstream_pump_.Start();
  downstream_pump_.Start();
}

void Connection::SyncToxics(std::span<const ToxicEntry> toxics) {
  if (closed_) return;
  const Clock::time_point now = Clock::now();
  upstream_pump_.SyncToxics(toxics, now);
  downstream_pump_.SyncToxics(toxics, now);
  ScheduleTermination();
}

void Connection::ScheduleTermination() {
  std::optional<Termination> first = upstream_pump_.chain().NextTermination();
  const std::optional<Termination> other = downstream_pump_.chain().NextTermination();
  if (other && (!first || other->at < first->at)) first = other;
  const uint64_t generation = ++termination_generation_;
  termination_timer_.cancel();
  if (!first) return;
  termination_timer_.expires_at(first->at);
  termination_timer_.async_wait(
      [self = shared_from_this(), generation, reset = first->reset](const std::error_code& error) {
        if (!error && generation == self->termination_generation_) self->Close(reset);
      });
}

void Connection::Close(bool reset) {
  if (closed_) return;
  closed_ = true;
  upstream_pump_.Stop();
  downstream_pump_.Stop();
  connect_timer_.cancel();
  termination_timer_.cancel();
  resolver_.cancel();
  for (asio::ip::tcp::socket* socket : {&client_, &upstream_}) {
    std::error_code ignored;
    if (!socket->is_open()) continue;
    // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
    if (reset) socket->set_option(asio::socket_base::linger(true, 0), ignored);
    socket->close(ignored);
  }
  if (on_closed_) asio::post(client_.get_executor(), std::move(on_closed_));
  on_closed_ = nullptr;
}

void Connection::OnPumpFinished() {
  if (++finished_pumps_ == 2) Close(/*reset=*/false);
}

void Connection::OnPumpFailed(const std::error_code& /*error*/) {
  // A peer reset or vanished: tell the other peer the same way.
  Close(/*reset=*/true);
}

}  // namespace cardflow::chaos
