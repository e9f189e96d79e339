// SlicerToxic: cuts every chunk into pieces of `average_size` ±
// `size_variation` bytes (uniform, at least 1) and makes each piece due
// `delay` µs after the one before, as Toxiproxy's slicer does: it exercises
// a peer's handling of partial reads.
#pragma once

#include <cstdint>

#include "chaos/random.h"
#include "chaos/toxic.h"

namespace cardflow::chaos {

struct SlicerParams {
  int64_t average_size = 1;    // attribute "average_size", bytes, >= 1
  int64_t size_variation = 0;  // attribute "size_variation", bytes, < average_size
  int64_t delay_us = 0;        // attribute "delay", µs between pieces
};

class SlicerToxic final : public Toxic {
 public:
  SlicerToxic(const SlicerParams& params, Random random);
  void Transform(Chunk chunk, std::vector<Chunk>& out) override;

 private:
  const SlicerParams params_;
  Random random_;
  Clock::time_point last_due_{};
};

}  // namespace cardflow::chaos
