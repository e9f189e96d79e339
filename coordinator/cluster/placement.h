// Placement: which node runs each stack of a deck.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/deck/program.h"
#include "common/status/status.h"

namespace cardflow {

// The node of every stack (by StackId): the `--place STACK=NODE` override if
// there is one, else the deck's `on NODE` hint, else the next of `nodes` in
// round-robin order (counting only the stacks placed this way, in deck
// order). INVALID_ARGUMENT (exit status 2) when an override names an unknown
// stack, or an override or hint names a node not in `nodes`.
StatusOr<std::vector<std::string>> PlaceStacks(
    const Program& program, const std::vector<std::string>& nodes,
    const std::vector<std::pair<std::string, std::string>>& overrides);

// `--place` overrides that put every stack of `program` on `node` (the
// demo's "all on one node").
std::vector<std::pair<std::string, std::string>> PlaceAllOn(const Program& program,
                                                            const std::string& node);

// The names of `count` loopback nodes for `program`: first every node the
// placement names (overrides, then hints, in deck order) so that decks with
// `on X` / `on Y` run on `--loopback 2` unchanged, then n1, n2, ... for the
// rest. INVALID_ARGUMENT when the deck and overrides name more than `count`
// nodes, or `count` < 1.
StatusOr<std::vector<std::string>> LoopbackNodeNames(
    const Program& program, int count,
    const std::vector<std::pair<std::string, std::string>>& overrides);

// Recovery: the node to move stacks to — the one with the fewest stacks
// (`load[n]`) among those `live`, the first of them on a tie; load.size()
// when none is live.
size_t LeastLoaded(const std::vector<size_t>& load, const std::vector<bool>& live);

}  // namespace cardflow
