// The limits on what cardflow takes in, in one place: how big a deck may be
// and how much a run may ask of the nodes. Each is generous — the
// 1,000,000-stack ring of bench/scaling.sh (95 MB of text, 4,000,000 cards)
// runs on 8 nodes within all of them (bench/README.md) — and each is there
// so that input too big is a clear error (exit 2, naming the file and the
// limit) instead of memory exhausted or a message refused half-way through a
// run. README.md ("A deck") and docs/cluster.md list them for users;
// limit_checks.h has the checks. Constants only: any target may include it.
#pragma once

#include <cstddef>

namespace cardflow {

// Bytes of deck text. A deck is read whole and held twice while it loads
// (the text, the parsed tables); this bounds both before parsing starts.
inline constexpr size_t kMaxDeckBytes = size_t{128} << 20;

// Stacks in one deck: the 1,000,000-stack ring and a little more (running
// it, the coordinator peaks at 1.65 GiB, each of 8 nodes at ~250 MiB).
inline constexpr size_t kMaxStacks = size_t{1} << 20;

// Cards in one stack once its repeats are unrolled.
inline constexpr size_t kMaxCardsPerStack = 1'000'000;

// Cards in the whole deck once every repeat is unrolled: a repeat makes
// cards cheaply (`repeat 10000:` over `repeat 100:` is 1,000,000 cards in
// three lines), and each costs the coordinator ~100 bytes.
inline constexpr size_t kMaxDeckCards = 16'000'000;

// Runs in flight at once on the nodes (`run --in-flight N`).
inline constexpr int kMaxRunsInFlight = 4096;

// Bytes of one gRPC message, either way, on every channel and server
// (proto/channel_settings.h): a node's program for a run, or a batch of
// events. A larger message is refused by gRPC with RESOURCE_EXHAUSTED, at
// the sender or at the receiver, and the call ends
// (tests/node/node_server_test.cc).
inline constexpr int kMaxMessageBytes = 256 << 20;
static_assert(kMaxDeckBytes <= size_t{kMaxMessageBytes} / 2,
              "a deck's text fits in a message with room to spare");

// Bytes of one node's compiled program (its stacks' code and where their
// channels lead), which travels in one Assign: the message limit less room
// for the Assign's other fields. A placement that gives a node more is
// refused before any run (exit 2), naming the node.
inline constexpr size_t kMaxNodeProgramBytes = size_t{kMaxMessageBytes} - (1 << 20);

}  // namespace cardflow
