// The ShiViz export read the way ShiViz reads it: its default regular
// expression over the log, each clock parsed as JSON, and ShiViz's checks on
// the clocks (each host counts 1, 2, 3, ...; entries name known hosts and
// existing events).
#include "common/trace/shiviz_log.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "common/local/local_runner.h"
#include "common/trace/vector_clock.h"
#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

using testing::MustLoadExample;

// ShiViz's default `(?<event>.*)\n(?<host>\S*) (?<clock>{.*})` without the
// group names (std::regex has none) and with the brace escaped (ECMAScript
// in std::regex wants it).
const std::regex kDefaultParser(R"((.*)\n(\S*) (\{.*\}))");

struct ParsedEvent {
  std::string event;
  std::string host;
  std::map<std::string, uint64_t> clock;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Parses the body line pair by line pair, each pair matched whole.
std::vector<ParsedEvent> ParsePairs(const std::vector<std::string>& lines, size_t first) {
  std::vector<ParsedEvent> out;
  EXPECT_EQ((lines.size() - first) % 2, 0u);
  for (size_t i = first; i + 1 < lines.size(); i += 2) {
    const std::string pair = lines[i] + "\n" + lines[i + 1];
    std::smatch m;
    EXPECT_TRUE(std::regex_match(pair, m, kDefaultParser)) << pair;
    if (m.empty()) continue;
    ParsedEvent e{m[1], m[2], {}};
    const nlohmann::json clock = nlohmann::json::parse(m[3].str(), nullptr, false);
    EXPECT_TRUE(clock.is_object()) << m[3];
    if (clock.is_object()) {
      for (const auto& [host, value] : clock.items()) e.clock[host] = value.get<uint64_t>();
    }
    out.push_back(std::move(e));
  }
  return out;
}

// ShiViz's own checks (ModelGraph): per host, own entries are 1, 2, 3, ...;
// every entry names a host of the log and an event it has.
void CheckLikeShiviz(const std::vector<ParsedEvent>& events) {
  std::map<std::string, uint64_t> count;
  for (const ParsedEvent& e : events) {
    ASSERT_TRUE(e.clock.count(e.host)) << e.event;
    EXPECT_EQ(e.clock.at(e.host), ++count[e.host]) << e.event;
  }
  for (const ParsedEvent& e : events) {
    for (const auto& [host, time] : e.clock) {
      ASSERT_TRUE(count.count(host)) << "unknown host " << host << " in " << e.event;
      EXPECT_GE(time, 1u);
      EXPECT_LE(time, count[host]) << e.event;
    }
  }
}

TEST(ShivizLogTest, DefaultRegexMatchesEveryEventOfARun) {
  const Program program = MustLoadExample("transfer.deck");
  const RunResult run = RunLocalOnce(program, Ordering::kCallbacks, 1);
  const std::string log = ShivizLog(program, run);
  const std::vector<std::string> lines = Lines(log);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0], kShivizRegex);
  EXPECT_EQ(lines[1], "");
  const std::vector<ParsedEvent> events = ParsePairs(lines, 2);
  ASSERT_EQ(events.size(), run.events.size());
  CheckLikeShiviz(events);

  // Scanning the whole body the way ShiViz does finds the same events.
  const std::string body = log.substr(lines[0].size() + 2);
  size_t found = 0;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), kDefaultParser);
       it != std::sregex_iterator(); ++it) {
    ++found;
  }
  EXPECT_EQ(found, run.events.size());

  // The callback goes A -> A->B -> B.
  std::map<std::string, size_t> per_host;
  for (const ParsedEvent& e : events) ++per_host[e.host];
  EXPECT_EQ(per_host["A"], 3u);     // read, write, notify
  EXPECT_EQ(per_host["A->B"], 1u);  // the arrival
  EXPECT_EQ(per_host["B"], 3u);     // await, read, write
  for (const ParsedEvent& e : events) {
    if (e.host == "B") {
      EXPECT_EQ(e.clock.at("A"), 3u) << e.event;  // B knows all of A
    }
  }
}

TEST(ShivizLogTest, WithoutHeaderStartsWithAnEvent) {
  const Program program = MustLoadExample("ring.deck");
  const RunResult run = RunLocalOnce(program, Ordering::kCallbacks, 2);
  const std::string log = ShivizLog(program, run, ShivizOptions{.header = false});
  const std::vector<std::string> lines = Lines(log);
  const std::vector<ParsedEvent> events = ParsePairs(lines, 0);
  ASSERT_EQ(events.size(), run.events.size());
  CheckLikeShiviz(events);
}

TEST(ShivizLogTest, NaiveRunsOfEveryExampleParse) {
  for (const char* deck : {"transfer.deck", "ring.deck", "fan_in.deck", "producer_consumer.deck",
                           "missed_callback.deck", "store_buffering.deck", "parallel.deck"}) {
    const Program program = MustLoadExample(deck, Ordering::kNone);
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      SCOPED_TRACE(std::string(deck) + " seed " + std::to_string(seed));
      const RunResult run = RunLocalOnce(program, Ordering::kNone, seed);
      const std::vector<ParsedEvent> events = ParsePairs(Lines(ShivizLog(program, run)), 2);
      ASSERT_EQ(events.size(), run.events.size());
      CheckLikeShiviz(events);
    }
  }
}

}  // namespace
}  // namespace cardflow
