// Link: one named proxy route (a Toxiproxy "proxy") — a listening socket,
// the connections it accepted, and the toxics that act on them.
//
// Toxic changes apply at once to the open connections as well as to later
// ones; removing a timeout toxic closes the open connections, as Toxiproxy's
// does. A disabled link ("down") has no listening socket, so the OS refuses
// new connections, and the connections it had are closed, as Toxiproxy does;
// enabling it listens again on the same address and port. A new link is
// disabled until Listen() or SetEnabled(true).
//
// Not thread-safe: every call runs on the proxy's executor (Proxy::Run), or
// on the thread that starts the proxy before that executor's thread starts.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chaos/connection.h"
#include "chaos/link_spec.h"
#include "chaos/status.h"
#include "chaos/toxic_chain.h"
#include "chaos/toxic_spec.h"

namespace cardflow::chaos {

class Link {
 public:
  // `seed` is the proxy's --seed; the link mixes in its name.
  Link(asio::any_io_executor executor, LinkSpec spec, uint64_t seed);
  ~Link();  // Stop()
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  // Enables the link: binds the listen address and starts accepting. The
  // bound endpoint (its port is the chosen one when the spec asks for port
  // 0), or Unavailable (cannot resolve, bind or listen).
  StatusOr<asio::ip::tcp::endpoint> Listen();

  // Disabling closes the listening socket and every open connection;
  // enabling listens again on the last bound endpoint, or on the spec's
  // address if it never listened (Unavailable if the OS refuses, and the
  // link stays disabled). Setting the current state is Ok.
  Status SetEnabled(bool enabled);

  // Whether `listen` and `upstream` differ from the link's, as Toxiproxy
  // compares them: the listen address resolved against the bound endpoint
  // (so port 0 always differs), the upstream as written. Unavailable if
  // `listen` does not resolve.
  StatusOr<bool> Differs(const HostPort& listen, const HostPort& upstream) const;

  // Toxiproxy's proxy update: if the addresses differ (Differs), the link
  // stops (closing its connections) and takes them; then it is enabled or
  // disabled as asked. Toxics stay.
  Status Update(const HostPort& listen, const HostPort& upstream, bool enabled);

  // AlreadyExists if a toxic of that name is on the link. `spec` must have
  // passed ValidateToxicSpec.
  Status AddToxic(ToxicSpec spec);
  // Replaces the toxic named spec.name; NotFound if there is none.
  Status UpdateToxic(ToxicSpec spec);
  // NotFound if there is no toxic of that name.
  Status RemoveToxic(std::string_view name);
  void RemoveAllToxics();

  // The toxic of that name, or null.
  const ToxicSpec* FindToxic(std::string_view name) const;
  // In the order they act (the order they were added).
  std::span<const ToxicEntry> toxics() const { return toxics_; }

  const LinkSpec& spec() const { return spec_; }
  bool enabled() const { return enabled_; }
  // The listen address as Toxiproxy shows it: the bound endpoint once the
  // link has listened (kept while disabled), else the spec's address.
  std::string listen_address() const;
  size_t connection_count() const { return connections_.size(); }

  // Stops accepting and closes every connection. Idempotent.
  void Stop();

 private:
  Status OpenAcceptor(const asio::ip::tcp::endpoint& endpoint);
  // Resolves spec_.listen for listening (an IPv4 address first, as Go does).
  StatusOr<asio::ip::tcp::endpoint> ResolveListen(const HostPort& listen) const;
  void Accept();
  void OnAccepted(uint64_t generation, const std::error_code& error, asio::ip::tcp::socket socket);
  void CloseConnections();
  void SyncConnections();

  asio::any_io_executor executor_;
  LinkSpec spec_;
  const uint64_t seed_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;                   // re-arms accept after a transient failure
  std::optional<asio::ip::tcp::endpoint> endpoint_;  // set once it has listened
  // Counts acceptor openings: an accept that completes for an acceptor since
  // closed (disabled, maybe enabled again) must not accept twice.
  uint64_t acceptor_generation_ = 0;
  bool enabled_ = false;
  bool stopped_ = false;

  std::vector<ToxicEntry> toxics_;
  uint64_t next_revision_ = 1;
  std::map<uint64_t, std::shared_ptr<Connection>> connections_;  // by number
  uint64_t next_connection_ = 0;
  // Handlers hold a weak reference: a completion that comes after the link
  // is gone sees it expired and does nothing.
  std::shared_ptr<Link*> alive_;
};

}  // namespace cardflow::chaos
