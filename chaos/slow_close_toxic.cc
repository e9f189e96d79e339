#include "chaos/slow_close_toxic.h"

namespace cardflow::chaos {

SlowCloseToxic::SlowCloseToxic(const SlowCloseParams& params) : params_(params) {}

void SlowCloseToxic::Transform(Chunk chunk, std::vector<Chunk>& out) {
  out.push_back(std::move(chunk));
}

Clock::time_point SlowCloseToxic::EofDue(Clock::time_point at) const {
  return at + std::chrono::milliseconds(params_.delay_ms);
}

}  // namespace cardflow::chaos
