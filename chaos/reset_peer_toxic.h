// ResetPeerToxic: resets the connection (a TCP RST to both peers, as a
// crashed or firewalled host would) `timeout` ms after the toxic starts to
// act on it; data flows unchanged until then. Both streams behave alike: a
// reset ends the whole connection.
#pragma once

#include <cstdint>

#include "chaos/toxic.h"

namespace cardflow::chaos {

struct ResetPeerParams {
  int64_t timeout_ms = 0;  // attribute "timeout"
};

class ResetPeerToxic final : public Toxic {
 public:
  explicit ResetPeerToxic(const ResetPeerParams& params);
  std::optional<Termination> Attach(Clock::time_point now) override;
  void Transform(Chunk chunk, std::vector<Chunk>& out) override;

 private:
  const ResetPeerParams params_;
};

}  // namespace cardflow::chaos
