// `cardflow-coordinator check`: every schedule of a deck (DECK.md, "`check`:
// every schedule"), printed as herd7-style text or the spec's JSON, with an
// optional HTML page of every outcome's witness.
#pragma once

#include <cstdint>
#include <string>

#include "common/deck/program.h"
#include "coordinator/console.h"

namespace cardflow {

struct CheckCommandOptions {
  std::string deck_path;
  Ordering ordering = Ordering::kCallbacks;
  bool json = false;
  // Stop after this many distinct states: exit 4, `complete: false`.
  uint64_t max_states = 10'000'000;
  bool reduction = true;    // --no-reduction: the plain search
  std::string report_html;  // --report FILE.html; empty: none
};

// Exit status: 0 expect always, no order violation, no run error; 1 not;
// 2 bad deck or arguments (or an unwritable --report); 4 search incomplete.
int CheckCommand(const CheckCommandOptions& options, Console& console);

}  // namespace cardflow
