// cardflow-coordinator: parses the command line and runs the command. The
// only place that touches the process's real streams and exit status.
#include <spdlog/spdlog.h>
#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstdlib>
#include <iostream>
#include <variant>

#include "common/logging/logger.h"
#include "coordinator/check_command.h"
#include "coordinator/cli.h"
#include "coordinator/console.h"
#include "coordinator/demo_command.h"
#include "coordinator/run_command.h"
#include "coordinator/serve_command.h"

namespace {

// glibc's malloc tuned for the coordinator's shape: one big deck loaded on
// the main thread, then runs whose messages are built and freed on gRPC's
// and the result pool's threads.
//  - M_ARENA_MAX 2: by default every thread that allocates while another
//    holds an arena's lock gets an arena of its own (up to 8 per core), and
//    memory freed in an arena is reused by that arena only. A run's
//    transients (an Assign's program bytes, a node's batches of events and
//    results) would each leave their pages in a different arena: ~40 MB of
//    RSS above the heap at 100,000 stacks (bench/README.md). Two arenas are
//    enough for the coordinator's few busy threads.
//  - M_MMAP_THRESHOLD 1 MiB: an allocation of 1 MiB or more (a deck's
//    text, an event vector, a big message) gets pages of its own, returned
//    to the system when freed. Setting it also stops glibc from raising the
//    threshold after such a block is freed (its default, "dynamic"
//    threshold goes up to 32 MiB), which would keep later big transients in
//    the heap.
// Both are documented mallopt(3) parameters (the same as the environment's
// MALLOC_ARENA_MAX / MALLOC_MMAP_THRESHOLD_, which still override them:
// glibc reads the environment first, and mallopt is only called here when
// they are unset).
void TuneMalloc() {
#if defined(__GLIBC__)
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 2);
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  TuneMalloc();
  using cardflow::CliExit;
  using cardflow::DemoOptions;
  using cardflow::RunOptions;
  using cardflow::ServeOptions;

  cardflow::Console console{std::cout, std::cerr, isatty(STDERR_FILENO) != 0};
  const cardflow::CliRequest request = cardflow::ParseCommandLine(argc, argv);
  if (const auto* exit = std::get_if<CliExit>(&request)) {
    std::cout << exit->out << std::flush;
    std::cerr << exit->err << std::flush;
    return exit->code;
  }
  if (const auto* check = std::get_if<cardflow::CheckCommandOptions>(&request)) {
    return cardflow::CheckCommand(*check, console);
  }
  const auto* run = std::get_if<RunOptions>(&request);
  const auto* serve = std::get_if<ServeOptions>(&request);
  const cardflow::LogOptions& log = run     ? run->log
                                    : serve ? serve->log
                                            : std::get<DemoOptions>(request).log;
  // gRPC's own lines (and any spdlog::info) in the format asked for.
  auto logger = cardflow::MakeStderrLogger("program", "cardflow-coordinator", log);
  cardflow::RouteGrpcLogsTo(logger);
  spdlog::set_default_logger(std::move(logger));
  if (run) {
    return cardflow::RunCommand(*run, console);
  }
  if (serve) {
    return cardflow::ServeCommand(*serve, console);
  }
  return cardflow::DemoCommand(std::get<DemoOptions>(request), console);
}
