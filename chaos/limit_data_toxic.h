// LimitDataToxic: lets the first `bytes` bytes of its stream through, then
// ends the stream: the connection is closed (FIN to both peers) once those
// bytes are written, as Toxiproxy's limit_data closes it. Bytes beyond the
// limit are dropped. The count is per connection and stream, and survives an
// update of the toxic (Inherit), as Toxiproxy's state does; with `bytes` 0
// the first data closes the connection.
#pragma once

#include <cstdint>

#include "chaos/toxic.h"

namespace cardflow::chaos {

struct LimitDataParams {
  int64_t bytes = 0;  // attribute "bytes"
};

class LimitDataToxic final : public Toxic {
 public:
  explicit LimitDataToxic(const LimitDataParams& params);
  void Inherit(const Toxic& previous) override;
  void Transform(Chunk chunk, std::vector<Chunk>& out) override;
  bool ended() const override { return ended_; }

 private:
  const LimitDataParams params_;
  int64_t transmitted_ = 0;
  bool ended_ = false;
};

}  // namespace cardflow::chaos
