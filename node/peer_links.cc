#include "node/peer_links.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "proto/channel_settings.h"

namespace cardflow {

PeerLinks::PeerLinks(std::string self_name, LinkSecurity security, LostFn on_lost,
                     std::shared_ptr<spdlog::logger> log)
    : self_name_(std::move(self_name)),
      security_(std::move(security)),
      on_lost_(std::move(on_lost)),
      log_(std::move(log)) {}

PeerLinks::~PeerLinks() { Shutdown(); }

std::shared_ptr<PeerLink> PeerLinks::Get(const std::string& address) {
  wire::Node::Stub* stub;
  {
    MutexLock lock(mutex_);
    if (shut_down_) return nullptr;
    Peer& peer = peers_[address];
    if (peer.link && peer.link->usable() &&
        std::chrono::steady_clock::now() - peer.link->started() < kStreamLifetime) {
      return peer.link;
    }
    if (!peer.stub) peer.stub = wire::Node::NewStub(MakeChannel(address, security_));
    stub = peer.stub.get();  // stubs live as long as this object
    ++live_;
  }
  // Opened outside the lock: no gRPC call is made while holding it.
  auto link = PeerLink::Open(
      *stub, address, self_name_, std::chrono::system_clock::now() + 2 * kStreamLifetime,
      [this](PeerLink* done, const grpc::Status& status, std::vector<uint64_t> lost) {
        OnLinkDone(done, status, std::move(lost));
      });
  {
    MutexLock lock(mutex_);
    open_.push_back(link);
    // A link replaced here (grown old, or opened by another thread at the
    // same moment) is not closed: runs holding it go on using it, and it
    // ends at its deadline or at Shutdown.
    if (!shut_down_) {
      peers_[address].link = link;
      return link;
    }
  }
  link->Close();
  return nullptr;
}

void PeerLinks::OnLinkDone(PeerLink* link, const grpc::Status& status, std::vector<uint64_t> lost) {
  const grpc::StatusCode code = status.error_code();
  const bool permanent =
      code == grpc::StatusCode::UNAUTHENTICATED || code == grpc::StatusCode::PERMISSION_DENIED ||
      code == grpc::StatusCode::INVALID_ARGUMENT || code == grpc::StatusCode::FAILED_PRECONDITION ||
      code == grpc::StatusCode::UNIMPLEMENTED;
  if (permanent && log_) {
    log_->warn("callback stream to {} ended: {}", link->address(), status.error_message());
  }
  if (!lost.empty()) {
    on_lost_(link->address(),
             fmt::format("callback stream to {} broke: {}", link->address(),
                         status.ok() ? "closed" : status.error_message()),
             lost, permanent, link->delivered());
  }
  MutexLock lock(mutex_);
  auto it = peers_.find(link->address());
  if (it != peers_.end() && it->second.link.get() == link) it->second.link.reset();
  open_.erase(std::remove_if(open_.begin(), open_.end(),
                             [link](const std::weak_ptr<PeerLink>& w) {
                               auto p = w.lock();
                               return !p || p.get() == link;
                             }),
              open_.end());
  --live_;
  ended_.NotifyAll();
}

void PeerLinks::Shutdown(std::chrono::milliseconds grace) {
  std::vector<std::shared_ptr<PeerLink>> open;
  {
    MutexLock lock(mutex_);
    if (!shut_down_) {
      shut_down_ = true;
      for (auto& [address, peer] : peers_) peer.link.reset();
    }
    for (const auto& w : open_) {
      if (auto link = w.lock()) open.push_back(std::move(link));
    }
  }
  for (const auto& link : open) link->Close();
  const auto deadline = std::chrono::steady_clock::now() + grace;
  UniqueMutexLock lock(mutex_);
  while (live_ > 0 && ended_.WaitUntil(lock, deadline)) {
  }
  if (live_ > 0) {
    lock.Unlock();
    for (const auto& link : open) link->Cancel();
    lock.Lock();
    while (live_ > 0) ended_.Wait(lock);
  }
}

}  // namespace cardflow
