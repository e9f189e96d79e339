// SlowCloseToxic: passes data unchanged but holds the end of the stream
// (the source's half-close) back for `delay` ms after it reaches the toxic,
// as Toxiproxy's slow_close delays the close.
#pragma once

#include <cstdint>

#include "chaos/toxic.h"

namespace cardflow::chaos {

struct SlowCloseParams {
  int64_t delay_ms = 0;  // attribute "delay"
};

class SlowCloseToxic final : public Toxic {
 public:
  explicit SlowCloseToxic(const SlowCloseParams& params);
  void Transform(Chunk chunk, std::vector<Chunk>& out) override;
  Clock::time_point EofDue(Clock::time_point at) const override;

 private:
  const SlowCloseParams params_;
};

}  // namespace cardflow::chaos
