// Test helper: scrape a /metrics page with a real HTTP client and read
// series out of Prometheus's text format.
#pragma once

#include <httplib.h>

#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>

namespace cardflow::testing {

// GET http://ADDRESS/metrics; empty when it did not answer 200.
inline std::string ScrapeMetrics(const std::string& address) {
  const size_t colon = address.rfind(':');
  httplib::Client client(address.substr(0, colon), std::stoi(address.substr(colon + 1)));
  client.set_read_timeout(5);
  const auto response = client.Get("/metrics");
  if (!response || response->status != 200) return "";
  return response->body;
}

// The value of the series `name` whose labels include every one of
// `labels`; nullopt when there is none. (Label values with '"' or ',' are
// not needed here.)
inline std::optional<double> MetricValue(const std::string& page, const std::string& name,
                                         const std::map<std::string, std::string>& labels = {}) {
  static const std::regex kSeries(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? (\S+)$)");
  static const std::regex kLabel(R"(([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)\")");
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (line.empty() || line[0] == '#' || !std::regex_match(line, match, kSeries)) continue;
    if (match[1].str() != name) continue;
    std::map<std::string, std::string> have;
    const std::string text = match[3].str();
    for (std::sregex_iterator it(text.begin(), text.end(), kLabel), end; it != end; ++it) {
      have[(*it)[1].str()] = (*it)[2].str();
    }
    bool all = true;
    for (const auto& [key, value] : labels) all = all && have.count(key) && have[key] == value;
    if (all) return std::stod(match[4].str());
  }
  return std::nullopt;
}

// "metrics on http://HOST:PORT/metrics" in a log: HOST:PORT, or empty.
inline std::string MetricsAddressIn(const std::string& log) {
  static const std::regex kLine(R"(metrics on http://([0-9.]+:[0-9]+)/metrics)");
  std::smatch match;
  return std::regex_search(log, match, kLine) ? match[1].str() : "";
}

}  // namespace cardflow::testing
