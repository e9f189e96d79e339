#include "chaos/reset_peer_toxic.h"

namespace cardflow::chaos {

ResetPeerToxic::ResetPeerToxic(const ResetPeerParams& params) : params_(params) {}

std::optional<Termination> ResetPeerToxic::Attach(Clock::time_point now) {
  return Termination{now + std::chrono::milliseconds(params_.timeout_ms), /*reset=*/true};
}

void ResetPeerToxic::Transform(Chunk chunk, std::vector<Chunk>& out) {
  out.push_back(std::move(chunk));
}

}  // namespace cardflow::chaos
