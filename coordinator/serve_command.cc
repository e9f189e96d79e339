#include "coordinator/serve_command.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "coordinator/reports/report_server.h"
#include "coordinator/shutdown_signals.h"

namespace cardflow {

int ServeCommand(const ServeOptions& options, Console& console) {
  // Before the server's threads start: they must not take the signals.
  ShutdownSignals signals;
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::absolute(options.reports, ec);
  const ReportFolder folder(ec ? std::filesystem::path(options.reports) : dir);
  if (Status s = folder.Create(); !s.ok()) {
    console.err << "cardflow-coordinator: " << s.message() << "\n" << std::flush;
    return 1;
  }
  StatusOr<std::unique_ptr<ReportServer>> server =
      ReportServer::Start(options.http, folder, spdlog::default_logger());
  if (!server.ok()) {
    console.err << "cardflow-coordinator: " << server.status().message() << "\n" << std::flush;
    return server.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  console.out << "serving reports from " << folder.dir().string() << " on " << (*server)->url()
              << "\n"
              << std::flush;
  spdlog::info("serving {} on {}", folder.dir().string(), (*server)->url());
  const int signal = signals.Wait();
  spdlog::info("{}, shutting down", ShutdownSignalName(signal));
  (*server)->Stop();
  return 0;
}

}  // namespace cardflow
