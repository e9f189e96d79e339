#include "chaos/timeout_toxic.h"

namespace cardflow::chaos {

TimeoutToxic::TimeoutToxic(const TimeoutParams& params) : params_(params) {}

std::optional<Termination> TimeoutToxic::Attach(Clock::time_point now) {
  if (params_.timeout_ms == 0) return std::nullopt;
  return Termination{now + std::chrono::milliseconds(params_.timeout_ms), /*reset=*/false};
}

void TimeoutToxic::Transform(Chunk /*chunk*/, std::vector<Chunk>& /*out*/) {}

}  // namespace cardflow::chaos
