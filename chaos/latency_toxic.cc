#include "chaos/latency_toxic.h"

#include <algorithm>

namespace cardflow::chaos {

LatencyToxic::LatencyToxic(const LatencyParams& params, Random random)
    : params_(params), random_(random) {}

void LatencyToxic::Transform(Chunk chunk, std::vector<Chunk>& out) {
  const int64_t jitter_us = params_.jitter_ms * 1000;
  const int64_t delay_us =
      std::max<int64_t>(0, params_.latency_ms * 1000 + random_.Between(-jitter_us, jitter_us));
  chunk.due = std::max(chunk.due + std::chrono::microseconds(delay_us), last_due_);
  last_due_ = chunk.due;
  out.push_back(std::move(chunk));
}

}  // namespace cardflow::chaos
