#include "chaos/limit_data_toxic.h"

#include <algorithm>

namespace cardflow::chaos {

LimitDataToxic::LimitDataToxic(const LimitDataParams& params) : params_(params) {}

void LimitDataToxic::Inherit(const Toxic& previous) {
  if (const auto* same = dynamic_cast<const LimitDataToxic*>(&previous)) {
    transmitted_ = same->transmitted_;
  }
}

void LimitDataToxic::Transform(Chunk chunk, std::vector<Chunk>& out) {
  if (ended_) return;
  const int64_t remaining = std::max<int64_t>(0, params_.bytes - transmitted_);
  const size_t size = std::min(chunk.bytes.size(), static_cast<size_t>(remaining));
  if (size > 0) {
    if (size < chunk.bytes.size()) chunk.bytes.resize(size);
    transmitted_ += static_cast<int64_t>(size);
    out.push_back(std::move(chunk));
  }
  // As Toxiproxy: the check is made when data arrives, so a limit lowered
  // below what already passed ends the stream at the next data.
  ended_ = params_.bytes - transmitted_ <= 0;
}

}  // namespace cardflow::chaos
