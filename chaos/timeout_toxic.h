// TimeoutToxic: a blackhole. While it acts, the data of its stream is
// dropped (never delivered later, as in Toxiproxy), so the peer sees an
// open, silent connection. With `timeout` > 0 the connection is closed (FIN
// to both peers) that many ms after the toxic starts to act; with 0 it stays
// open until the toxic is removed — and removing it closes the connections
// of its link (Link::RemoveToxic), as Toxiproxy's cleanup does. A half-close
// from the source is passed on, as Toxiproxy passes on the close.
#pragma once

#include <cstdint>

#include "chaos/toxic.h"

namespace cardflow::chaos {

struct TimeoutParams {
  int64_t timeout_ms = 0;  // attribute "timeout"; 0 = never close
};

class TimeoutToxic final : public Toxic {
 public:
  explicit TimeoutToxic(const TimeoutParams& params);
  std::optional<Termination> Attach(Clock::time_point now) override;
  void Transform(Chunk chunk, std::vector<Chunk>& out) override;

 private:
  const TimeoutParams params_;
};

}  // namespace cardflow::chaos
