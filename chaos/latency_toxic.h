// LatencyToxic: delays every chunk by `latency` ms plus a uniform draw in
// [-jitter, +jitter] ms (never below zero), keeping byte order: a chunk is
// never due before the one ahead of it, even when its draw is smaller.
#pragma once

#include <cstdint>

#include "chaos/random.h"
#include "chaos/toxic.h"

namespace cardflow::chaos {

struct LatencyParams {
  int64_t latency_ms = 0;  // attribute "latency"
  int64_t jitter_ms = 0;   // attribute "jitter"
};

class LatencyToxic final : public Toxic {
 public:
  LatencyToxic(const LatencyParams& params, Random random);
  void Transform(Chunk chunk, std::vector<Chunk>& out) override;

 private:
  const LatencyParams params_;
  Random random_;
  Clock::time_point last_due_{};
};

}  // namespace cardflow::chaos
