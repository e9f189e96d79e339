// Toxic: one fault acting on one direction of one connection.
//
// A toxic is a pure planner over time, with no sockets and no timers: it is
// told when each chunk reaches it and answers which pieces leave and when.
// The Pump that owns it does the waiting and the writing. This keeps every
// toxic testable without a network (tests/chaos/toxic_test.cc) and lets
// toxics compose: one toxic's output times are the next one's input times.
//
// A toxic instance belongs to one direction of one connection and is used
// only on the proxy's executor. Its state (the last due time, its Random)
// lives as long as the toxic is unchanged on that connection.
#pragma once

#include <optional>
#include <vector>

#include "chaos/chunk.h"

namespace cardflow::chaos {

// A toxic's decision to end the connection at `at`: with a TCP reset (RST
// to both peers) or with an orderly close (FIN to both peers).
struct Termination {
  Clock::time_point at;
  bool reset = false;
};

class Toxic {
 public:
  virtual ~Toxic() = default;

  // The toxic starts to act on its connection at `now` (the connection was
  // accepted, or the toxic was added or changed while it was open). Returns
  // when the toxic ends the connection, if it already knows it will.
  virtual std::optional<Termination> Attach(Clock::time_point now) { return std::nullopt; }

  // A toxic changed by the control API gets a fresh instance; this carries
  // over what Toxiproxy keeps across an update (limit_data's byte count).
  // `previous` is the instance this one replaces, of any kind.
  virtual void Inherit(const Toxic& previous) {}

  // Takes one chunk that reached the toxic at `chunk.due` and appends what
  // comes out to `out`, in stream order. Contract: no piece is due earlier
  // than the chunk, nor earlier than a piece this toxic emitted before, so
  // bytes within a direction never overtake each other.
  virtual void Transform(Chunk chunk, std::vector<Chunk>& out) = 0;

  // When the connection must end, if data seen so far decided it
  // (reset_peer's clock starts at the first data). Checked after Transform.
  virtual std::optional<Termination> termination() const { return std::nullopt; }

  // Whether the stream is over after what Transform has emitted so far
  // (limit_data): the connection closes once those bytes are written.
  virtual bool ended() const { return false; }

  // The end of the stream (the peer's half-close) reached the toxic at
  // `at`: when it may be passed on (slow_close delays it).
  virtual Clock::time_point EofDue(Clock::time_point at) const { return at; }
};

}  // namespace cardflow::chaos
