#include "chaos/link.h"

#include <algorithm>

#include "chaos/host_port.h"
#include "chaos/random.h"

namespace cardflow::chaos {

namespace {

constexpr std::chrono::milliseconds kAcceptRetry{50};

Status OsError(std::string_view what, const std::string& where, const std::error_code& error) {
  return UnavailableError(std::string(what) + " " + where + ": " + error.message());
}

}  // namespace

Link::Link(asio::any_io_executor executor, LinkSpec spec, uint64_t seed)
    : executor_(executor),
      spec_(std::move(spec)),
      seed_(seed),
      acceptor_(executor),
      retry_timer_(executor),
      alive_(std::make_shared<Link*>(this)) {}

Link::~Link() { Stop(); }

StatusOr<asio::ip::tcp::endpoint> Link::ResolveListen(const HostPort& listen) const {
  asio::ip::tcp::resolver resolver(executor_);
  std::error_code error;
  const auto results = resolver.resolve(listen.host, std::to_string(listen.port),
                                        asio::ip::tcp::resolver::passive, error);
  if (error || results.empty()) return OsError("cannot resolve", listen.ToString(), error);
  for (const auto& result : results) {
    if (result.endpoint().address().is_v4()) return result.endpoint();
  }
  return results.begin()->endpoint();
}

StatusOr<asio::ip::tcp::endpoint> Link::Listen() {
  if (Status s = SetEnabled(true); !s.ok()) return s;
  return *endpoint_;
}

std::string Link::listen_address() const {
  return endpoint_ ? EndpointToString(*endpoint_) : spec_.listen.ToString();
}

StatusOr<bool> Link::Differs(const HostPort& listen, const HostPort& upstream) const {
  StatusOr<asio::ip::tcp::endpoint> resolved = ResolveListen(listen);
  if (!resolved.ok()) return resolved.status();
  const bool same_listen = endpoint_ ? *resolved == *endpoint_ : listen == spec_.listen;
  return !same_listen || !(upstream == spec_.upstream);
}

Status Link::Update(const HostPort& listen, const HostPort& upstream, bool enabled) {
  if (stopped_) return UnavailableError("the link " + spec_.name + " is stopped");
  StatusOr<bool> differs = Differs(listen, upstream);
  if (!differs.ok()) return differs.status();
  if (*differs) {
    if (Status s = SetEnabled(false); !s.ok()) return s;
    spec_.listen = listen;
    spec_.upstream = upstream;
    endpoint_.reset();
  }
  return SetEnabled(enabled);
}

Status Link::OpenAcceptor(const asio::ip::tcp::endpoint& endpoint) {
  std::error_code error;
  acceptor_.open(endpoint.protocol(), error);
  if (!error) acceptor_.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor_.bind(endpoint, error);
  if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    std::error_code ignored;
    acceptor_.close(ignored);
    return OsError("cannot listen on", EndpointToString(endpoint), error);
  }
  ++acceptor_generation_;
  return Status::Ok();
}

void Link::Accept() {
  acceptor_.async_accept([alive = std::weak_ptr<Link*>(alive_), generation = acceptor_generation_](
                             const std::error_code& error, asio::ip::tcp::socket socket) {
    if (const auto link = alive.lock()) (*link)->OnAccepted(generation, error, std::move(socket));
  });
}

void Link::OnAccepted(uint64_t generation, const std::error_code& error,
                      asio::ip::tcp::socket socket) {
  const auto current = [this, generation] {
    return !stopped_ && enabled_ && acceptor_.is_open() && generation == acceptor_generation_;
  };
  if (!current()) return;  // that acceptor was closed meanwhile
  if (error) {
    // Out of descriptors and the like: try again shortly rather than spin.
    retry_timer_.expires_after(kAcceptRetry);
    retry_timer_.async_wait(
        [alive = std::weak_ptr<Link*>(alive_), current](const std::error_code& e) {
          if (const auto link = alive.lock(); link && !e && current()) (*link)->Accept();
        });
    return;
  }
  const uint64_t number = next_connection_++;
  const ConnectionSeed seed{seed_, StableHash(spec_.name), number};
  auto connection = std::make_shared<Connection>(std::move(socket), spec_.upstream, seed,
                                                 [alive = std::weak_ptr<Link*>(alive_), number] {
                                                   if (const auto link = alive.lock())
                                                     (*link)->connections_.erase(number);
                                                 });
  connections_.emplace(number, connection);
  connection->Start(toxics_);
  Accept();
}

Status Link::SetEnabled(bool enabled) {
  if (stopped_) return UnavailableError("the link " + spec_.name + " is stopped");
  if (enabled == enabled_) return Status::Ok();
  if (!enabled) {
    enabled_ = false;
    std::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
    CloseConnections();
    return Status::Ok();
  }
  asio::ip::tcp::endpoint endpoint;
  if (endpoint_) {
    endpoint = *endpoint_;
  } else {
    StatusOr<asio::ip::tcp::endpoint> resolved = ResolveListen(spec_.listen);
    if (!resolved.ok()) return resolved.status();
    endpoint = *resolved;
  }
  if (Status s = OpenAcceptor(endpoint); !s.ok()) return s;
  std::error_code error;
  endpoint = acceptor_.local_endpoint(error);
  if (error) {
    std::error_code ignored;
    acceptor_.close(ignored);
    return OsError("cannot read the address of", spec_.listen.ToString(), error);
  }
  endpoint_ = endpoint;
  enabled_ = true;
  Accept();
  return Status::Ok();
}

Status Link::AddToxic(ToxicSpec spec) {
  if (FindToxic(spec.name) != nullptr) {
    return AlreadyExistsError("toxic already exists: the proxy " + spec_.name +
                              " already has a toxic named " + spec.name);
  }
  toxics_.push_back(ToxicEntry{std::move(spec), next_revision_++});
  SyncConnections();
  return Status::Ok();
}

Status Link::UpdateToxic(ToxicSpec spec) {
  auto it = std::find_if(toxics_.begin(), toxics_.end(),
                         [&](const ToxicEntry& e) { return e.spec.name == spec.name; });
  if (it == toxics_.end()) {
    return NotFoundError("toxic not found: the proxy " + spec_.name + " has no toxic named " +
                         spec.name);
  }
  *it = ToxicEntry{std::move(spec), next_revision_++};
  SyncConnections();
  return Status::Ok();
}

Status Link::RemoveToxic(std::string_view name) {
  auto it = std::find_if(toxics_.begin(), toxics_.end(),
                         [&](const ToxicEntry& e) { return e.spec.name == name; });
  if (it == toxics_.end()) {
    return NotFoundError("toxic not found: the proxy " + spec_.name + " has no toxic named " +
                         std::string(name));
  }
  const bool blackhole = std::holds_alternative<TimeoutParams>(it->spec.params);
  toxics_.erase(it);
  // Toxiproxy's timeout toxic closes its connections when it is removed.
  if (blackhole) CloseConnections();
  SyncConnections();
  return Status::Ok();
}

void Link::RemoveAllToxics() {
  const bool blackhole = std::any_of(toxics_.begin(), toxics_.end(), [](const ToxicEntry& e) {
    return std::holds_alternative<TimeoutParams>(e.spec.params);
  });
  toxics_.clear();
  if (blackhole) CloseConnections();
  SyncConnections();
}

const ToxicSpec* Link::FindToxic(std::string_view name) const {
  for (const ToxicEntry& entry : toxics_) {
    if (entry.spec.name == name) return &entry.spec;
  }
  return nullptr;
}

void Link::SyncConnections() {
  for (auto& [number, connection] : connections_) connection->SyncToxics(toxics_);
}

void Link::CloseConnections() {
  // Close() posts the removal from connections_, so iterating is safe; the
  // map is cleared here anyway so the count is right at once.
  for (auto& [number, connection] : connections_) connection->Close(/*reset=*/false);
  connections_.clear();
}

void Link::Stop() {
  if (stopped_) return;
  stopped_ = true;
  std::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
  CloseConnections();
}

}  // namespace cardflow::chaos
