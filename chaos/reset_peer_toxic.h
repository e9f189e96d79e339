// ResetPeerToxic: resets the connection (a TCP RST to both peers, as a
// crashed or firewalled host would) `timeout` ms after the first data
// reaches the toxic on its stream, as Toxiproxy's reset_peer does: from that
// first chunk on the stream's data is held back (never delivered, the reset
// discards it), and with `timeout` 0 the reset is immediate. Data on the
// other stream is untouched. A reset ends the whole connection.
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
  void Transform(Chunk chunk, std::vector<Chunk>& out) override;
  std::optional<Termination> termination() const override { return termination_; }

 private:
  const ResetPeerParams params_;
  std::optional<Termination> termination_;  // set by the first chunk
};

}  // namespace cardflow::chaos
