// BandwidthToxic: lets at most `rate` KB/s (1 KB = 1000 bytes, as
// Toxiproxy counts) through. A chunk is cut into pieces of about 10 ms worth
// of bytes so the stream flows evenly rather than in bursts; each piece is
// due when the link would have finished sending it.
#pragma once

#include <cstdint>

#include "chaos/toxic.h"

namespace cardflow::chaos {

struct BandwidthParams {
  int64_t rate_kbps = 0;  // attribute "rate", KB/s, > 0
};

class BandwidthToxic final : public Toxic {
 public:
  explicit BandwidthToxic(const BandwidthParams& params);
  void Transform(Chunk chunk, std::vector<Chunk>& out) override;

 private:
  const BandwidthParams params_;
  Clock::time_point free_at_{};  // when the simulated link has sent all before
};

}  // namespace cardflow::chaos
