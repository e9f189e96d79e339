// ToxicChain: the toxics acting on one direction of one connection, in the
// order they were added to the link (a chunk passes the first toxic, then
// the second with the first one's output times, ...).
//
// Each toxic of the link gets its own Toxic instance here, with a Random
// seeded from (--seed, link, connection number, stream, toxic name, toxic
// revision): the same seed and the same sequence of connections and control
// calls give the same jitter, slices and toxicity rolls, whatever other
// connections do meanwhile. The roll against `toxicity` is the instance's
// first draw; a toxic that loses it does not act on this connection (until
// it is changed and rolls again).
//
// Used only on the proxy's executor.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "chaos/chunk.h"
#include "chaos/toxic.h"
#include "chaos/toxic_spec.h"

namespace cardflow::chaos {

// One toxic of a link, with the revision it got when last added or changed:
// connections rebuild an instance exactly when its revision changes.
struct ToxicEntry {
  ToxicSpec spec;
  uint64_t revision = 0;
};

// What, besides the toxic, picks a connection's draws.
struct ConnectionSeed {
  uint64_t proxy_seed = 0;
  uint64_t link_hash = 0;   // StableHash(link name)
  uint64_t connection = 0;  // 0, 1, 2, ... in the order the link accepted them
};

class ToxicChain {
 public:
  ToxicChain(Stream stream, const ConnectionSeed& seed);

  // Makes the chain match `entries` (a link's whole list; only this
  // chain's stream is taken). Unchanged toxics keep their instance and
  // state; new or changed ones get a fresh instance attached at `now` (a
  // changed one inherits its predecessor's state, Toxic::Inherit).
  void Sync(std::span<const ToxicEntry> entries, Clock::time_point now);

  // Passes `chunk` (due = when it was read) through every acting toxic and
  // appends what comes out to `out`, in order. True if that changed
  // NextTermination (a reset_peer saw its first data).
  bool Apply(Chunk chunk, std::vector<Chunk>& out);

  // Whether an acting toxic ended the stream (limit_data reached).
  bool Ended() const;

  // The end of the stream reached the chain at `at`: when it may leave.
  Clock::time_point EofDue(Clock::time_point at) const;

  // The earliest connection end an acting toxic asked for, if any.
  std::optional<Termination> NextTermination() const;

  // How many of the chain's toxics act on this connection.
  size_t acting() const;

 private:
  struct Slot {
    std::string name;
    uint64_t revision = 0;
    std::unique_ptr<Toxic> toxic;  // null: lost the toxicity roll
    std::optional<Termination> termination;
  };

  Slot MakeSlot(const ToxicEntry& entry, Clock::time_point now) const;

  const Stream stream_;
  const ConnectionSeed seed_;
  std::vector<Slot> slots_;
  std::vector<Chunk> in_, out_;  // scratch for Apply, kept to reuse capacity
};

}  // namespace cardflow::chaos
