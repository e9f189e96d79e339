#include "base/logger.h"

#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "base/log_line.h"

namespace cardflow {

namespace {

// One JSON object per line: time (UTC, milliseconds), level, the component
// ("node": "X") and the message, escaped by nlohmann (invalid UTF-8 replaced).
class JsonFormatter final : public spdlog::formatter {
 public:
  explicit JsonFormatter(std::string component) : component_(std::move(component)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto since_epoch = msg.time.time_since_epoch();
    const std::time_t seconds =
        std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char time[32];
    std::strftime(time, sizeof time, "%Y-%m-%dT%H:%M:%S", &utc);

    nlohmann::ordered_json line;
    line["time"] = fmt::format("{}.{:03}Z", time, millis);
    const auto level = spdlog::level::to_string_view(msg.level);
    line["level"] = std::string(level.data(), level.size());
    line[component_] = std::string(msg.logger_name.data(), msg.logger_name.size());
    const std::string_view message(msg.payload.data(), msg.payload.size());
    const LogSubject subject = LogSubjectOf(message);
    if (subject.run) line["run"] = *subject.run;
    if (subject.stack) line["stack"] = *subject.stack;
    line["message"] = std::string(message);
    const std::string text =
        line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>(component_);
  }

 private:
  const std::string component_;
};

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

// The one word that follows `keyword` (a whole word) in `text` and fits
// `word_end` (the length of the word at a position, 0 if none fits); nullopt
// when none does, or when two different ones do.
template <typename WordEnd>
std::optional<std::string> OnlyWordAfter(std::string_view text, std::string_view keyword,
                                         WordEnd word_end) {
  std::optional<std::string> found;
  for (size_t at = text.find(keyword); at != std::string_view::npos;
       at = text.find(keyword, at + 1)) {
    if (at > 0 && IsNameChar(text[at - 1])) continue;  // "...stack" inside a longer word
    const size_t start = at + keyword.size();
    const size_t length = word_end(text.substr(start));
    if (length == 0) continue;
    const std::string word(text.substr(start, length));
    if (found && *found != word) return std::nullopt;
    found = word;
  }
  return found;
}

}  // namespace

LogSubject LogSubjectOf(std::string_view message) {
  LogSubject subject;
  subject.run = OnlyWordAfter(message, "run ", [](std::string_view rest) -> size_t {
    if (rest.size() < 16) return 0;
    for (size_t i = 0; i < 16; ++i) {
      if (!IsHex(rest[i])) return 0;
    }
    return rest.size() == 16 || !IsNameChar(rest[16]) ? 16 : 0;
  });
  subject.stack = OnlyWordAfter(message, "stack ", [](std::string_view rest) -> size_t {
    if (rest.empty() || !IsNameStart(rest[0])) return 0;
    size_t n = 1;
    while (n < rest.size() && IsNameChar(rest[n])) ++n;
    return n;
  });
  return subject;
}

std::optional<LogFormat> ParseLogFormat(std::string_view word) {
  if (word == "text") return LogFormat::kText;
  if (word == "json") return LogFormat::kJson;
  return std::nullopt;
}

std::shared_ptr<spdlog::logger> MakeStderrLogger(const std::string& component,
                                                 const std::string& name,
                                                 const LogOptions& options) {
  std::shared_ptr<spdlog::logger> logger;
  if (options.format == LogFormat::kJson) {
    logger =
        std::make_shared<spdlog::logger>(name, std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_formatter(std::make_unique<JsonFormatter>(component));
  } else {
    logger = std::make_shared<spdlog::logger>(
        name, std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    logger->set_pattern(TextLogPattern(component));
  }
  logger->set_level(spdlog::level::from_str(options.level));
  return logger;
}

}  // namespace cardflow
