// cardflow-coordinator: parses the command line and runs the command. The
// only place that touches the process's real streams and exit status.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <variant>

#include "base/malloc_tuning.h"
#include "common/logging/logger.h"
#include "coordinator/check_command.h"
#include "coordinator/cli.h"
#include "coordinator/console.h"
#include "coordinator/demo_command.h"
#include "coordinator/run_command.h"
#include "coordinator/serve_command.h"

int main(int argc, char** argv) {
  cardflow::TuneMalloc();
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
