#include "chaos/bandwidth_toxic.h"

#include <algorithm>

namespace cardflow::chaos {

BandwidthToxic::BandwidthToxic(const BandwidthParams& params) : params_(params) {}

void BandwidthToxic::Transform(Chunk chunk, std::vector<Chunk>& out) {
  const int64_t bytes_per_second = params_.rate_kbps * 1000;
  const size_t piece = static_cast<size_t>(std::max<int64_t>(1, bytes_per_second / 100));
  Clock::time_point start = std::max(chunk.due, free_at_);
  // Whole nanoseconds per piece would drift; count from the start instead.
  size_t sent = 0;
  for (size_t offset = 0; offset < chunk.bytes.size(); offset += piece) {
    const size_t size = std::min(piece, chunk.bytes.size() - offset);
    sent += size;
    const auto elapsed = std::chrono::nanoseconds(
        static_cast<int64_t>(static_cast<long double>(sent) * 1'000'000'000.0L /
                             static_cast<long double>(bytes_per_second)));
    Chunk out_piece;
    out_piece.due = start + elapsed;
    if (offset == 0 && size == chunk.bytes.size()) {
      out_piece.bytes = std::move(chunk.bytes);
    } else {
      out_piece.bytes = Bytes::CopyOf(chunk.bytes.data() + offset, size);
    }
    free_at_ = out_piece.due;
    out.push_back(std::move(out_piece));
  }
}

}  // namespace cardflow::chaos
