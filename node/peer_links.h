// PeerLinks: this node's callback streams to other nodes, one per receiver
// address: opened on first use, replaced when one breaks or grows old.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/base/mutex.h"
#include "node/peer_link.h"
#include "proto/cardflow.grpc.pb.h"
#include "proto/link_security.h"

namespace cardflow {

class PeerLinks {
 public:
  // Told, from a gRPC thread, which runs may have lost callbacks when the
  // stream to `address` broke, and why. `permanent`: the peer refused the
  // stream (token, protocol version): trying again cannot help.
  // `delivered`: the stream had delivered callbacks before it broke (the
  // peer was reachable).
  using LostFn =
      std::function<void(const std::string& address, const std::string& why,
                         const std::vector<uint64_t>& runs, bool permanent, bool delivered)>;

  // A stream is used for new runs until it is this old; its deadline is
  // twice that, so a run that started on it has kStreamLifetime to finish.
  static constexpr std::chrono::hours kStreamLifetime{12};

  // Streams are secured as `security` says (this node's own TLS and token).
  // A stream the peer refused, or one this end broke off because the peer
  // broke the protocol, is logged to `log` (may be null) with the reason.
  PeerLinks(std::string self_name, LinkSecurity security, LostFn on_lost,
            std::shared_ptr<spdlog::logger> log = nullptr);
  ~PeerLinks();  // Shutdown()
  PeerLinks(const PeerLinks&) = delete;
  PeerLinks& operator=(const PeerLinks&) = delete;

  // The usable stream to `address`, opened if there is none. Null after Shutdown.
  std::shared_ptr<PeerLink> Get(const std::string& address) EXCLUDES(mutex_);

  // Closes every stream and waits (up to `grace`, then cancels them) until
  // each has ended. Idempotent; Get returns null afterwards.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds(2000)) EXCLUDES(mutex_);

 private:
  struct Peer {
    std::unique_ptr<wire::Node::Stub> stub;
    std::shared_ptr<PeerLink> link;  // the current one; may be unusable
  };
  void OnLinkDone(PeerLink* link, const grpc::Status& status, std::vector<uint64_t> lost)
      EXCLUDES(mutex_);

  const std::string self_name_;
  const LinkSecurity security_;
  const LostFn on_lost_;
  const std::shared_ptr<spdlog::logger> log_;

  Mutex mutex_;
  CondVar ended_;                                                   // live_ went down
  std::unordered_map<std::string, Peer> peers_ GUARDED_BY(mutex_);  // by address
  std::vector<std::weak_ptr<PeerLink>> open_ GUARDED_BY(mutex_);    // every link not yet done
  size_t live_ GUARDED_BY(mutex_) = 0;                              // links not yet done
  bool shut_down_ GUARDED_BY(mutex_) = false;
};

}  // namespace cardflow
