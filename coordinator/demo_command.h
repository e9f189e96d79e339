// `cardflow-coordinator demo`: the seed's story in one screen, told with the
// embedded example decks. Same machine, same output, apart from wall times.
#pragma once

#include "coordinator/cli.h"
#include "coordinator/console.h"

namespace cardflow {

// Runs transfer.deck with --ordering none and with callbacks (2000 runs
// each), then parallel.deck on 1 and 2 worker threads, and tells what they
// show on console.out. Returns 0 when the story held (the naive runs ended
// in more than one outcome, the ones with callbacks in exactly one that meets
// every expect), 1 when it did not, 2 if an embedded deck fails to load.
int DemoCommand(const DemoOptions& options, Console& console);

}  // namespace cardflow
