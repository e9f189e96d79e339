// Connection: one accepted client, its connection to the upstream, and the
// two Pumps between them (upstream: client → server, downstream: server →
// client).
//
// Lifetime: shared. The Link holds one reference while the connection is
// open; every pending operation holds another (Pump::Owner::KeepAlive), so
// the object lives until the last completion after Close. `on_closed` is
// posted to the executor once, when the connection closes for any reason.
//
// Not thread-safe: every call runs on the proxy's executor.
#pragma once

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "chaos/host_port.h"
#include "chaos/pump.h"
#include "chaos/toxic_chain.h"

namespace cardflow::chaos {

class Connection final : public std::enable_shared_from_this<Connection>, private Pump::Owner {
 public:
  // How long connecting to the upstream may take before the client is reset.
  static constexpr std::chrono::seconds kConnectTimeout{10};

  Connection(asio::ip::tcp::socket client, HostPort upstream, const ConnectionSeed& seed,
             std::function<void()> on_closed);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The link's toxics start to act now; then connects to the upstream
  // (resetting the client if that fails) and starts both pumps. Once.
  void Start(std::span<const ToxicEntry> toxics);

  // Makes both directions match the link's toxics: new or changed toxics
  // start to act now, removed ones stop.
  void SyncToxics(std::span<const ToxicEntry> toxics);

  // Ends the connection now: a TCP reset to both peers if `reset`, else an
  // orderly close. Idempotent.
  void Close(bool reset);

 private:
  void ConnectUpstream(const asio::ip::tcp::resolver::results_type& endpoints);
  void OnConnected(const std::error_code& error);
  void ScheduleTermination();

  // Pump::Owner
  std::shared_ptr<void> KeepAlive() override { return shared_from_this(); }
  void OnPumpFinished() override;
  void OnPumpFailed(const std::error_code& error) override;
  void OnPumpCut() override { Close(/*reset=*/false); }
  void OnTerminationChanged() override { ScheduleTermination(); }

  asio::ip::tcp::socket client_;
  asio::ip::tcp::socket upstream_;
  const HostPort upstream_address_;
  asio::ip::tcp::resolver resolver_;
  asio::steady_timer connect_timer_;
  asio::steady_timer termination_timer_;
  uint64_t termination_generation_ = 0;  // ignores a timer fired before a reschedule
  Pump upstream_pump_;
  Pump downstream_pump_;
  std::function<void()> on_closed_;
  int finished_pumps_ = 0;
  bool closed_ = false;
};

}  // namespace cardflow::chaos
