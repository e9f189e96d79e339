// Loggers to stderr in the format the command line asks for: `--log-format
// text` (human lines) or `json` (one object per line, for log shippers):
//
//   2026-11-23 21:40:01.123 info  [node X] listening on 127.0.0.1:7001
//   {"time":"2026-11-23T21:40:01.123Z","level":"info","node":"X","message":"listening on ..."}
//
// A line about one run or one stack says so in its words, as every log line
// of the project does: the run by its label `run 0123456789abcdef` (16 hex
// digits), the stack as `stack NAME`. In JSON these also become fields of
// their own, so a log shipper can filter by them (the message stays whole):
//
//   {"time":...,"level":"info","node":"X","run":"0123456789abcdef","stack":"B",
//    "message":"run 0123456789abcdef: stack B failed at card 3: division by zero"}
//
// A line naming several runs (or stacks) gets no such field: it is about none.
//
//   auto log = MakeStderrLogger("node", "X", {.level = "info", .format = LogFormat::kJson});
//
// Only main() and the RPC boundary log (STYLE.md); they all get their
// loggers here, so every line of one process has the same shape — node,
// coordinator and cardflow-chaos alike (which is why this is in base/: it
// needs no gRPC; common/logging/logger.h adds gRPC's own lines).
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cardflow {

enum class LogFormat { kText, kJson };

struct LogOptions {
  std::string level = "info";  // spdlog level name: trace, debug, info, warn, error, off
  LogFormat format = LogFormat::kText;
};

// The run and stack a log message is about, by the convention above.
struct LogSubject {
  std::optional<std::string> run;    // "0123456789abcdef"
  std::optional<std::string> stack;  // "B"
};
LogSubject LogSubjectOf(std::string_view message);

// "text" / "json"; nullopt for anything else.
std::optional<LogFormat> ParseLogFormat(std::string_view word);

// A logger writing to stderr, not registered with spdlog (several nodes of
// one name may live in one process: tests, --loopback). Every line names
// the component and its name: "[node X]" in text, "node":"X" in JSON.
std::shared_ptr<spdlog::logger> MakeStderrLogger(const std::string& component,
                                                 const std::string& name,
                                                 const LogOptions& options);

}  // namespace cardflow
