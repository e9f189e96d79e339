// End to end: the built cardflow-coordinator, its exit status, its stdout
// and stderr, on the example decks and on decks written here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/coordinator/subprocess.h"

namespace cardflow {
namespace {

using ::cardflow::testutil::CoordinatorBinary;
using ::cardflow::testutil::ExampleDeck;
using ::cardflow::testutil::ProcessResult;
using ::cardflow::testutil::RunProcess;
using testing::HasSubstr;
using testing::Not;
using testing::StartsWith;

ProcessResult Coordinator(std::vector<std::string> args) {
  args.insert(args.begin(), CoordinatorBinary());
  return RunProcess(args);
}

// `run DECK ... --format json`, parsed; fails the test if stdout is not JSON.
nlohmann::json RunJson(const std::string& deck, std::vector<std::string> extra, int* exit_code) {
  std::vector<std::string> args = {"run", deck, "--format", "json", "--threads", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  const ProcessResult r = Coordinator(args);
  *exit_code = r.exit_code;
  EXPECT_TRUE(nlohmann::json::accept(r.out)) << "stdout: " << r.out << "\nstderr: " << r.err;
  return nlohmann::json::parse(r.out, nullptr, false);
}

// The values of `term` over all outcomes.
std::set<int64_t> ValuesOf(const nlohmann::json& report, const std::string& term) {
  std::set<int64_t> values;
  for (const auto& outcome : report["outcomes"])
    values.insert(outcome["values"][term].get<int64_t>());
  return values;
}

std::set<std::pair<int64_t, int64_t>> PairsOf(const nlohmann::json& report, const std::string& a,
                                              const std::string& b) {
  std::set<std::pair<int64_t, int64_t>> pairs;
  for (const auto& outcome : report["outcomes"]) {
    pairs.emplace(outcome["values"][a].get<int64_t>(), outcome["values"][b].get<int64_t>());
  }
  return pairs;
}

using TempDeck = ::cardflow::testutil::TempFile;

TEST(CoordinatorTest, BadDeckIsExit2WithFileLineColumn) {
  const TempDeck deck("bad.deck",
                      "shared balance\n"
                      "stack A:\n"
                      "    frobnicate balance\n");
  const ProcessResult r = Coordinator({"run", deck.path(), "--local"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, StartsWith(deck.path() + ":3:5: error: "));
}

TEST(CoordinatorTest, EveryDeckErrorIsReportedOnItsOwnLine) {
  const TempDeck deck("two.deck",
                      "stack A:\n"
                      "    frobnicate 1\n"
                      "    add r\n");
  const ProcessResult r = Coordinator({"run", deck.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(deck.path() + ":2:"));
  EXPECT_THAT(r.err, HasSubstr(deck.path() + ":3:"));
}

TEST(CoordinatorTest, MissingDeckIsExit2) {
  const ProcessResult r = Coordinator({"run", "/nonexistent/nothing.deck"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("nothing.deck"));
  EXPECT_EQ(r.out, "");
}

TEST(CoordinatorTest, BadArgumentsAreExit2WithAMessage) {
  const std::string deck = ExampleDeck("transfer.deck");
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"fly"},
      {"run"},
      {"run", deck, "--ordering", "sideways"},
      {"run", deck, "--runs", "0"},
      {"run", deck, "--runs", "many"},
      {"run", deck, "--seed", "-1"},
      {"run", deck, "--threads", "0"},
      {"run", deck, "--format", "xml"},
      {"run", deck, "--no-such-flag"},
      {"demo", "--no-such-flag"},
  };
  for (const auto& args : bad) {
    const ProcessResult r = Coordinator(args);
    std::string joined;
    for (const std::string& a : args) joined += " " + a;
    EXPECT_EQ(r.exit_code, 2) << joined;
    EXPECT_FALSE(r.err.empty()) << joined;
    EXPECT_EQ(r.out, "") << joined;
  }
}

TEST(CoordinatorTest, HelpExplainsDecksAndExits0) {
  const ProcessResult top = Coordinator({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_THAT(top.out, HasSubstr("stack"));
  EXPECT_THAT(top.out, HasSubstr("run"));
  EXPECT_THAT(top.out, HasSubstr("demo"));
  const ProcessResult run = Coordinator({"run", "--help"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.out, HasSubstr("--ordering"));
  EXPECT_THAT(run.out, HasSubstr("--local"));
}

TEST(CoordinatorTest, TransferWithoutCallbacksLosesUpdates) {
  int code = -1;
  const nlohmann::json report = RunJson(
      ExampleDeck("transfer.deck"), {"--ordering", "none", "--runs", "2000", "--seed", "1"}, &code);
  EXPECT_EQ(code, 1);
  EXPECT_EQ(ValuesOf(report, "balance"), (std::set<int64_t>{150, 200, 250, 300}));
  EXPECT_EQ(report["runs"], 2000);
  EXPECT_EQ(report["ordering"], "none");
  EXPECT_GT(report["expect_failures"].get<int>(), 0);
}

TEST(CoordinatorTest, TransferWithCallbacksEndsIn300) {
  int code = -1;
  const nlohmann::json report =
      RunJson(ExampleDeck("transfer.deck"), {"--local", "--runs", "2000"}, &code);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(ValuesOf(report, "balance"), (std::set<int64_t>{300}));
  EXPECT_EQ(report["order_violations"], 0);
  EXPECT_EQ(report["expect_failures"], 0);
  EXPECT_EQ(report["run_errors"], 0);
  EXPECT_EQ(report["outcomes"][0]["count"], 2000);
  EXPECT_EQ(report["placement"], (nlohmann::json{{"A", "local"}, {"B", "local"}}));
}

TEST(CoordinatorTest, SameSeedGivesByteIdenticalJson) {
  const std::vector<std::string> args = {"run",        ExampleDeck("transfer.deck"),
                                         "--ordering", "none",
                                         "--runs",     "500",
                                         "--seed",     "42",
                                         "--format",   "json"};
  std::vector<std::string> one_thread = args;
  one_thread.insert(one_thread.end(), {"--threads", "1"});
  std::vector<std::string> two_threads = args;
  two_threads.insert(two_threads.end(), {"--threads", "2"});
  const ProcessResult a = Coordinator(two_threads);
  const ProcessResult b = Coordinator(two_threads);
  const ProcessResult c = Coordinator(one_thread);
  EXPECT_EQ(a.exit_code, 1);
  EXPECT_FALSE(a.out.empty());
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(a.out, c.out);  // the thread count changes the wall time only
}

TEST(CoordinatorTest, StoreBufferingNeverEndsInZeroZero) {
  int code = -1;
  const nlohmann::json report =
      RunJson(ExampleDeck("store_buffering.deck"), {"--runs", "2000"}, &code);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(PairsOf(report, "A.r", "B.r"),
            (std::set<std::pair<int64_t, int64_t>>{{0, 1}, {1, 0}, {1, 1}}));
}

TEST(CoordinatorTest, AwaitCanMissACallbackInFlight) {
  int code = -1;
  const nlohmann::json naive =
      RunJson(ExampleDeck("missed_callback.deck"), {"--ordering", "none", "--runs", "2000"}, &code);
  EXPECT_EQ(code, 1);
  EXPECT_TRUE(PairsOf(naive, "B.f", "B.r").count({1, 0}))
      << "flag seen but callback missed: " << naive.dump();
  EXPECT_GT(naive["order_violations"].get<int>(), 0);

  const nlohmann::json ordered =
      RunJson(ExampleDeck("missed_callback.deck"), {"--runs", "2000"}, &code);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(ValuesOf(ordered, "B.r"), (std::set<int64_t>{7}));
}

TEST(CoordinatorTest, EveryExampleDeckPassesWithCallbacks) {
  const std::filesystem::path dir = std::filesystem::path(ExampleDeck(""));
  int decks = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".deck") continue;
    ++decks;
    const bool slow = entry.path().filename() == "parallel.deck";
    const ProcessResult r =
        Coordinator({"run", entry.path().string(), "--runs", slow ? "1" : "200", "--threads", "2"});
    EXPECT_EQ(r.exit_code, 0) << entry.path() << "\n" << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("PASS: ")) << entry.path();
  }
  EXPECT_GE(decks, 7);
}

TEST(CoordinatorTest, TextReportEndsInAVerdict) {
  const ProcessResult r =
      Coordinator({"run", ExampleDeck("transfer.deck"), "--ordering", "none", "--runs", "300"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("FAIL: "));
  EXPECT_THAT(r.out, HasSubstr("balance=300"));
  EXPECT_THAT(r.out, HasSubstr("█"));
  EXPECT_EQ(r.err, "");  // stderr is no terminal here: no progress bar
}

TEST(CoordinatorTest, DemoTellsTheStory) {
  const ProcessResult r = Coordinator({"demo", "--local"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("transfer.deck"));
  EXPECT_THAT(r.out, HasSubstr("balance=300"));
  EXPECT_THAT(r.out, HasSubstr("parallel.deck"));
  EXPECT_THAT(r.out, HasSubstr("speed-up"));
  EXPECT_THAT(r.out, Not(HasSubstr("--shuffle seeded")));  // --local: this process only
}

// With no placement flag the demo tells the local story, then the same
// seeds on two nodes embedded in this process, side by side.
TEST(CoordinatorTest, DemoWithoutPlacementShowsTheSameSeedsOnTwoEmbeddedNodes) {
  const ProcessResult r = Coordinator({"demo"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("--shuffle seeded"));
  EXPECT_THAT(r.out, HasSubstr("A on X, B on Y:"));
  EXPECT_THAT(r.out, HasSubstr("identical, seed for seed"));
}

}  // namespace
}  // namespace cardflow
