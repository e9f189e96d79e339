// Decks and report helpers shared by the cluster tests (loopback nodes in
// process, and real cardflow-node processes in tests/integration).
#pragma once

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/report/report.h"
#include "tests/litmus_decks.h"
#include "tests/test_paths.h"

namespace cardflow::testing {

inline constexpr char kDivByZeroDeck[] = R"(shared s = 1

stack A:
    read s -> a
    notify B a

stack B:
    await A -> b
    sub b 1
    set c 10
    div c b
    write c -> s
)";

// `n` stacks S0 .. S(n-1) in a chain: each waits for the previous one's
// callback, adds 1 to the token and passes it on. Without hints, round-robin
// placement puts neighbours on different nodes.
inline std::string ChainDeck(int n) {
  std::string deck = "shared last\n\nstack S0:\n    set t 1\n    notify S1 t\n";
  for (int i = 1; i < n; ++i) {
    deck += fmt::format("\nstack S{}:\n    await S{} -> t\n    add t 1\n", i, i - 1);
    deck += i + 1 < n ? fmt::format("    notify S{} t\n", i + 1) : "    write t -> last\n";
  }
  deck += fmt::format("\noutcome last\nexpect last == {}\n", n);
  return deck;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string SourcePath(const std::string& relative) { return SourceDir() + "/" + relative; }

// The report's JSON with "placement" removed: what must match between a
// local run and a remote one.
// The report without what the placement decides: `placement` itself, and
// each outcome's witness schedule — a network-shuffled remote run takes the
// order the nodes produce, not the seeded one (the seed of the witness, the
// lowest that reached the outcome, stays comparable for single-outcome decks).
inline nlohmann::json JsonWithoutPlacement(const Report& report) {
  nlohmann::json json = nlohmann::json::parse(ReportToJson(report));
  json.erase("placement");
  for (auto& outcome : json["outcomes"]) outcome.erase("schedule");
  return json;
}

inline std::set<std::vector<int64_t>> OutcomeSet(const Report& report) {
  std::set<std::vector<int64_t>> out;
  for (const OutcomeCount& o : report.outcomes) out.insert(o.values);
  return out;
}

inline uint64_t CompletedRuns(const Report& report) {
  uint64_t total = 0;
  for (const OutcomeCount& o : report.outcomes) total += o.count;
  return total;
}

}  // namespace cardflow::testing
