#include "chaos/slicer_toxic.h"

#include <algorithm>

namespace cardflow::chaos {

SlicerToxic::SlicerToxic(const SlicerParams& params, Random random)
    : params_(params), random_(random) {}

void SlicerToxic::Transform(Chunk chunk, std::vector<Chunk>& out) {
  Clock::time_point due = std::max(chunk.due, last_due_);
  size_t offset = 0;
  while (offset < chunk.bytes.size()) {
    const int64_t drawn =
        params_.average_size + random_.Between(-params_.size_variation, params_.size_variation);
    const size_t size =
        std::min(static_cast<size_t>(std::max<int64_t>(1, drawn)), chunk.bytes.size() - offset);
    due += std::chrono::microseconds(params_.delay_us);
    out.push_back(Chunk{Bytes::CopyOf(chunk.bytes.data() + offset, size), due});
    offset += size;
  }
  last_due_ = due;
}

}  // namespace cardflow::chaos
