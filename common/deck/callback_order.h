// CheckCallbackOrder: the deadlock check of DECK.md for `--ordering callbacks`.
//
// Stacks are straight-line, so the n-th `await S` in T matches exactly the
// n-th `notify T` in S. Two kinds of problem follow, and both are reported
// with the lines involved:
//  - an await with no matching notify (it would wait forever);
//  - a cycle in program order + matched callback edges, found by running
//    every stack symbolically until none can move and following the
//    "waits for" links among the stuck ones.
// Stacks stuck only because they wait on a stuck stack are consequences and
// are not reported. Runs in time linear in the number of cards.
#pragma once

#include "common/deck/deck.h"
#include "common/deck/diagnostic_sink.h"
#include "common/deck/symbol_table.h"

namespace cardflow {

// `deck` must have passed the name checks (every notify/await names another
// declared stack); cards that do not are ignored. `symbols` is `deck`'s.
void CheckCallbackOrder(const Deck& deck, const SymbolTable& symbols, DiagnosticSink& sink);

}  // namespace cardflow
