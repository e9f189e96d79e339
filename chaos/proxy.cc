#include "chaos/proxy.h"

#include <pthread.h>

namespace cardflow::chaos {

Proxy::Proxy(uint64_t seed) : seed_(seed) {}

Proxy::~Proxy() { Stop(); }

StatusOr<asio::ip::tcp::endpoint> Proxy::AddLink(const LinkSpec& spec) {
  StatusOr<Link*> link = CreateLink(spec, /*enabled=*/true);
  if (!link.ok()) return link.status();
  return (*link)->Listen();
}

StatusOr<Link*> Proxy::CreateLink(const LinkSpec& spec, bool enabled) {
  if (links_.count(spec.name) != 0) {
    return AlreadyExistsError("proxy already exists: there is a proxy named " + spec.name);
  }
  auto link = std::make_unique<Link>(io_.get_executor(), spec, seed_);
  if (enabled) {
    if (Status s = link->SetEnabled(true); !s.ok()) return s;
  }
  Link* added = link.get();
  links_.emplace(spec.name, std::move(link));
  return added;
}

Status Proxy::RemoveLink(std::string_view name) {
  const auto it = links_.find(name);
  if (it == links_.end())
    return NotFoundError("proxy not found: no proxy named " + std::string(name));
  it->second->Stop();
  links_.erase(it);
  return Status::Ok();
}

void Proxy::Start() {
  if (thread_.joinable() || stopped_) return;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "chaos-io");  // for top -H and perf
    io_.run();
  });
}

void Proxy::Stop() {
  if (stopped_) return;
  stopped_ = true;
  const auto close_all = [this] {
    for (auto& [name, link] : links_) link->Stop();
    io_.stop();
  };
  if (thread_.joinable()) {
    asio::post(io_, close_all);
    thread_.join();
  } else {
    close_all();
  }
}

Link* Proxy::FindLink(std::string_view name) {
  const auto it = links_.find(name);
  return it == links_.end() ? nullptr : it->second.get();
}

}  // namespace cardflow::chaos
