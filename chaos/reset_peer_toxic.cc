#include "chaos/reset_peer_toxic.h"

namespace cardflow::chaos {

ResetPeerToxic::ResetPeerToxic(const ResetPeerParams& params) : params_(params) {}

void ResetPeerToxic::Transform(Chunk chunk, std::vector<Chunk>& /*out*/) {
  if (!termination_) {
    termination_ = Termination{chunk.due + std::chrono::milliseconds(params_.timeout_ms),
                               /*reset=*/true};
  }
}

}  // namespace cardflow::chaos
