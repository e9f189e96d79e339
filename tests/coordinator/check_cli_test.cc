// `check` and `run --schedule` as a user runs them: the built binary, its
// exit status and output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/coordinator/subprocess.h"

namespace cardflow {
namespace {

using ::cardflow::testutil::CoordinatorBinary;
using ::cardflow::testutil::ExampleDeck;
using ::cardflow::testutil::ProcessResult;
using ::cardflow::testutil::RunProcess;
using ::cardflow::testutil::TempFile;
using testing::HasSubstr;

ProcessResult Coordinator(std::vector<std::string> args) {
  args.insert(args.begin(), CoordinatorBinary());
  return RunProcess(args);
}

TEST(CheckCliTest, TransferWithoutCallbacksIsSometimesAndExit1) {
  const ProcessResult r = Coordinator(
      {"check", ExampleDeck("transfer.deck"), "--ordering", "none", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const nlohmann::json json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["ordering"], "none");
  EXPECT_EQ(json["complete"], true);
  EXPECT_EQ(json["expect"], "sometimes");
  EXPECT_EQ(json["order_violation"], true);
  EXPECT_EQ(json["run_error"], false);
  std::set<int64_t> balances;
  for (const auto& outcome : json["outcomes"]) {
    balances.insert(outcome["values"]["balance"].get<int64_t>());
  }
  EXPECT_EQ(balances, (std::set<int64_t>{150, 200, 250, 300}));
  // Keys in the spec's order.
  std::vector<std::string> keys;
  const nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(r.out);
  for (const auto& item : ordered.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"deck", "ordering", "complete", "states", "executions",
                                            "outcomes", "expect", "order_violation", "run_error"}));
}

TEST(CheckCliTest, TransferWithCallbacksIsAlwaysAndExit0) {
  const ProcessResult r = Coordinator({"check", ExampleDeck("transfer.deck")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Observation"));
  EXPECT_THAT(r.out, HasSubstr("Always 1 0"));
  EXPECT_THAT(r.out, HasSubstr("PASS"));
}

TEST(CheckCliTest, OutputIsByteForByteTheSame) {
  const std::vector<std::string> args = {
      "check", ExampleDeck("fan_in.deck"), "--ordering", "none", "--format", "json"};
  EXPECT_EQ(Coordinator(args).out, Coordinator(args).out);
}

TEST(CheckCliTest, MaxStatesGivesAPartialAnswerAndExit4) {
  const ProcessResult r = Coordinator(
      {"check", ExampleDeck("producer_consumer.deck"), "--ordering", "none", "--max-states", "10"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_THAT(r.out, HasSubstr("PARTIAL"));
  const ProcessResult json =
      Coordinator({"check", ExampleDeck("producer_consumer.deck"), "--ordering", "none",
                   "--max-states", "10", "--format", "json"});
  EXPECT_EQ(nlohmann::json::parse(json.out)["complete"], false);
}

TEST(CheckCliTest, AWitnessReplaysWithRunSchedule) {
  const ProcessResult check = Coordinator(
      {"check", ExampleDeck("transfer.deck"), "--ordering", "none", "--format", "json"});
  const nlohmann::json checked = nlohmann::json::parse(check.out);
  for (const auto& outcome : checked["outcomes"]) {
    const TempFile schedule("w.schedule", outcome["schedule"].get<std::string>() + "\n");
    const ProcessResult run =
        Coordinator({"run", ExampleDeck("transfer.deck"), "--ordering", "none", "--schedule",
                     schedule.path(), "--runs", "20", "--format", "json"});
    const nlohmann::json report = nlohmann::json::parse(run.out);
    ASSERT_EQ(report["outcomes"].size(), 1u) << run.out;
    EXPECT_EQ(report["outcomes"][0]["values"], outcome["values"]);
    EXPECT_EQ(report["outcomes"][0]["schedule"], outcome["schedule"]);
  }
}

TEST(CheckCliTest, ABadScheduleIsExit2AndNothingRuns) {
  const TempFile schedule("bad.schedule", "# B first\nB\nB\nA>B\n");
  const ProcessResult r = Coordinator(
      {"run", ExampleDeck("transfer.deck"), "--ordering", "none", "--schedule", schedule.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            schedule.path() + ":4: error: step 3 'A>B': no callback from A to B is in flight\n");
}

TEST(CheckCliTest, RunSaysWhichReachableOutcomesItNeverSaw) {
  const ProcessResult r = Coordinator({"run", ExampleDeck("transfer.deck"), "--ordering", "none",
                                       "--runs", "3", "--format", "json"});
  const nlohmann::json report = nlohmann::json::parse(r.out);
  ASSERT_TRUE(report.contains("reachable")) << r.out;
  EXPECT_EQ(report["reachable"]["complete"], true);
  EXPECT_EQ(report["reachable"]["outcomes"], 4);
  EXPECT_EQ(report["reachable"]["unseen"].size() + report["outcomes"].size(), 4u);
  for (const auto& outcome : report["outcomes"]) {
    EXPECT_TRUE(outcome.contains("seed"));
    EXPECT_TRUE(outcome.contains("schedule"));
  }
  const ProcessResult text =
      Coordinator({"run", ExampleDeck("transfer.deck"), "--ordering", "none", "--runs", "2000"});
  EXPECT_THAT(text.out, HasSubstr("4 of 4 reachable outcomes seen"));
  const ProcessResult off = Coordinator({"run", ExampleDeck("transfer.deck"), "--ordering", "none",
                                         "--runs", "3", "--format", "json", "--no-check"});
  EXPECT_FALSE(nlohmann::json::parse(off.out).contains("reachable"));
}

// `run examples/transfer.deck` from another directory finds the built-in
// example, and says so; a name no example has is still an error.
TEST(CheckCliTest, AMissingExampleIsFoundBuiltIn) {
  for (const char* command : {"run", "check"}) {
    const ProcessResult r = Coordinator({command, "/nowhere/examples/transfer.deck"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("no file /nowhere/examples/transfer.deck here; using the "
                                 "example transfer.deck built into this program"));
    EXPECT_THAT(r.out, HasSubstr("balance=300"));
  }
  EXPECT_EQ(Coordinator({"check", "/nowhere/mine.deck"}).exit_code, 2);
}

TEST(CheckCliTest, RunDoesNotTryToCheckABigDeck) {
  std::string text = "shared x\n";
  for (int s = 0; s < 100; ++s) text += "stack S" + std::to_string(s) + ":\n    write 1 -> x\n";
  const TempFile deck("big.deck", text);
  const ProcessResult r = Coordinator({"run", deck.path(), "--runs", "2", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(nlohmann::json::parse(r.out).contains("reachable"));
}

TEST(CheckCliTest, ReportPageDrawsEveryWitness) {
  const TempFile page("check.html", "");
  const ProcessResult r = Coordinator(
      {"check", ExampleDeck("transfer.deck"), "--ordering", "none", "--report", page.path()});
  EXPECT_EQ(r.exit_code, 1);
  std::ifstream in(page.path());
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(html, HasSubstr("balance=150"));
  EXPECT_THAT(html, HasSubstr("balance=300"));
  EXPECT_THAT(html, HasSubstr("<svg"));
}

}  // namespace
}  // namespace cardflow
