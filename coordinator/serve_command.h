// `cardflow-coordinator serve`: the reports folder over HTTP (see
// reports/report_server.h for the pages), until SIGINT or SIGTERM.
#pragma once

#include <string>

#include "common/logging/logger.h"
#include "coordinator/console.h"
#include "coordinator/reports/report_folder.h"

namespace cardflow {

struct ServeOptions {
  std::string http = "127.0.0.1:8080";       // --http ADDR: ":PORT" (every interface), "HOST:PORT"
  std::string reports = kDefaultReportsDir;  // --reports DIR (or $CARDFLOW_REPORTS)
  LogOptions log{.level = "warn"};           // --log-level / --log-format (stderr)
};

// Makes the folder if missing, listens, prints
//   serving reports from DIR on http://HOST:PORT/
// on console.out (the port resolved when 0 was asked), then serves until
// SIGINT or SIGTERM and returns 0. Returns 2 for a bad --http, 1 when it
// cannot listen or make the folder (said on console.err).
int ServeCommand(const ServeOptions& options, Console& console);

}  // namespace cardflow
