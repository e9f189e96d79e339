#include "coordinator/cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace cardflow {
namespace {

using testing::HasSubstr;

CliRequest Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "cardflow-coordinator");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data());
}

TEST(CliTest, RunDefaultsToLocalCallbacksText) {
  const CliRequest request = Parse({"run", "x.deck"});
  const auto* run = std::get_if<RunOptions>(&request);
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->deck_path, "x.deck");
  EXPECT_TRUE(run->placement.Local());
  EXPECT_FALSE(run->placement.local_flag);
  EXPECT_EQ(run->ordering, Ordering::kCallbacks);
  EXPECT_EQ(run->runs, 100u);
  EXPECT_EQ(run->seed, 1u);
  EXPECT_GE(run->threads, 1);
  EXPECT_EQ(run->format, OutputFormat::kText);
}

TEST(CliTest, RunTakesEveryOption) {
  const CliRequest request =
      Parse({"run", "--local", "--ordering", "none", "--runs", "2000", "--seed",
             "18446744073709549616", "--threads", "3", "--format", "json", "t.deck"});
  const auto* run = std::get_if<RunOptions>(&request);
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->deck_path, "t.deck");
  EXPECT_TRUE(run->placement.local_flag);
  EXPECT_EQ(run->ordering, Ordering::kNone);
  EXPECT_EQ(run->runs, 2000u);
  EXPECT_EQ(run->seed, 18446744073709549616u);  // the last run's seed is 2^64 - 1
  EXPECT_EQ(run->threads, 3);
  EXPECT_EQ(run->format, OutputFormat::kJson);
}

TEST(CliTest, CompareOrdering) {
  const CliRequest request =
      Parse({"run", "x.deck", "--compare-ordering", "none", "--report", "r.html"});
  const auto* run = std::get_if<RunOptions>(&request);
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->compare_ordering, Ordering::kNone);
  EXPECT_FALSE(std::get<RunOptions>(Parse({"run", "x.deck"})).compare_ordering.has_value());

  // The ordering already run, no page to show it, or no such ordering: exit 2.
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run", "x.deck", "--compare-ordering", "callbacks", "--report", "r.html"},
           {"run", "x.deck", "--compare-ordering", "none"},
           {"run", "x.deck", "--compare-ordering", "sideways", "--report", "r.html"}}) {
    const CliRequest bad = Parse(args);
    const auto* exit = std::get_if<CliExit>(&bad);
    ASSERT_NE(exit, nullptr) << args[3];
    EXPECT_EQ(exit->code, 2);
    EXPECT_THAT(exit->err, HasSubstr("--compare-ordering")) << exit->err;
  }
}

TEST(CliTest, LogFlags) {
  const CliRequest run_request = Parse({"run", "x.deck"});
  const auto* run = std::get_if<RunOptions>(&run_request);
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->log.level, "warn");
  EXPECT_EQ(run->log.format, LogFormat::kText);
  const CliRequest demo_request =
      Parse({"demo", "--loopback", "2", "--log-level", "debug", "--log-format", "json"});
  const auto* demo = std::get_if<DemoOptions>(&demo_request);
  ASSERT_NE(demo, nullptr);
  EXPECT_EQ(demo->log.level, "debug");
  EXPECT_EQ(demo->log.format, LogFormat::kJson);
}

TEST(CliTest, Demo) {
  const CliRequest request = Parse({"demo", "--local"});
  const auto* demo = std::get_if<DemoOptions>(&request);
  ASSERT_NE(demo, nullptr);
  EXPECT_TRUE(demo->placement.local_flag);
  EXPECT_TRUE(std::holds_alternative<DemoOptions>(Parse({"demo"})));
}

TEST(CliTest, ConnectTimeoutIsSecondsForNodesWithItsDefaultInHelp) {
  const CliRequest defaulted = Parse({"run", "d", "--node", "X=127.0.0.1:7001"});
  const auto* plain = std::get_if<RunOptions>(&defaulted);
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->placement.connect_timeout, std::chrono::milliseconds(5000));

  const CliRequest request =
      Parse({"run", "d", "--node", "X=127.0.0.1:7001", "--connect-timeout", "0.25"});
  const auto* run = std::get_if<RunOptions>(&request);
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->placement.connect_timeout, std::chrono::milliseconds(250));

  const CliRequest demo_request = Parse({"demo", "--loopback", "2", "--connect-timeout", "30"});
  const auto* demo = std::get_if<DemoOptions>(&demo_request);
  ASSERT_NE(demo, nullptr);
  EXPECT_EQ(demo->placement.connect_timeout, std::chrono::seconds(30));

  for (const char* command : {"run", "demo"}) {
    const CliRequest help = Parse({command, "--help"});
    const auto* exit = std::get_if<CliExit>(&help);
    ASSERT_NE(exit, nullptr);
    EXPECT_THAT(exit->out, HasSubstr("--connect-timeout SECONDS (default: 5)")) << command;
  }
}

TEST(CliTest, HelpIsExit0OnStdout) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"-h"}, {"run", "--help"}, {"demo", "--help"}}) {
    const CliRequest request = Parse(args);
    const auto* exit = std::get_if<CliExit>(&request);
    ASSERT_NE(exit, nullptr) << args[0];
    EXPECT_EQ(exit->code, 0);
    EXPECT_THAT(exit->out, HasSubstr("Usage"));
    EXPECT_EQ(exit->err, "");
  }
  const CliExit top = std::get<CliExit>(Parse({"--help"}));
  EXPECT_THAT(top.out, HasSubstr("A deck is a text file"));
  EXPECT_THAT(top.out, HasSubstr("cardflow-coordinator demo"));
  const CliExit run = std::get<CliExit>(Parse({"run", "--help"}));
  EXPECT_THAT(run.out, HasSubstr("--ordering"));
  EXPECT_THAT(run.out, HasSubstr("no node is named"));
}

TEST(CliTest, ServeListensOnThisMachineOnlyUnlessTold) {
  const CliRequest plain = Parse({"serve"});
  ASSERT_NE(std::get_if<ServeOptions>(&plain), nullptr);
  EXPECT_EQ(std::get<ServeOptions>(plain).http, "127.0.0.1:8080");
  const CliRequest everywhere = Parse({"serve", "--http", ":9000"});
  ASSERT_NE(std::get_if<ServeOptions>(&everywhere), nullptr);
  EXPECT_EQ(std::get<ServeOptions>(everywhere).http, ":9000");
}

TEST(CliTest, VersionIsExit0) {
  const CliExit exit = std::get<CliExit>(Parse({"--version"}));
  EXPECT_EQ(exit.code, 0);
  EXPECT_THAT(exit.out, HasSubstr("cardflow-coordinator "));
}

struct BadCase {
  std::vector<std::string> args;
  const char* says;  // part of the message
};

class BadArgumentsTest : public testing::TestWithParam<BadCase> {};

TEST_P(BadArgumentsTest, Exit2WithAMessageOnStderr) {
  const CliRequest request = Parse(GetParam().args);
  const auto* exit = std::get_if<CliExit>(&request);
  ASSERT_NE(exit, nullptr);
  EXPECT_EQ(exit->code, 2);
  EXPECT_EQ(exit->out, "");
  EXPECT_THAT(exit->err, HasSubstr(GetParam().says));
  EXPECT_THAT(exit->err, HasSubstr("--help"));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadArgumentsTest,
    testing::Values(BadCase{{}, "subcommand"}, BadCase{{"fly"}, "fly"},
                    // A misspelled command or flag names the one meant.
                    BadCase{{"rnu", "d"},
                            "rnu (the commands are run, check, demo and serve); "
                            "did you mean 'run'?"},
                    BadCase{{"rn", "d"},
                            "rn (the commands are run, check, demo and serve); "
                            "did you mean 'run'?"},
                    // The words in the order they were typed (CLI11 lists them last first).
                    BadCase{{"run", "d", "--ordring", "none"},
                            "not expected: --ordring none; did you mean '--ordering'?"},
                    // A flag of the other command says whose it is.
                    BadCase{{"check", "d", "--runs", "5"},
                            "not expected: --runs 5\n'--runs' is an option of `run`, not of "
                            "`check`\n"},
                    BadCase{{"run", "d", "--max-states=9"},
                            "'--max-states' is an option of `check`, not of `run`"},
                    BadCase{{"check", "d", "--max-state", "9"}, "did you mean '--max-states'?"},
                    BadCase{{"run", "d", "--rusn", "5", "--sed", "3"},
                            "'--rusn': did you mean '--runs'?\n'--sed': did you mean '--seed'?"},
                    BadCase{{"--verison"}, "'--verison': did you mean '--version'?"},
                    BadCase{{"run"}, "deck"},
                    BadCase{{"run", "d", "--ordering", "sideways"}, "sideways"},
                    // Every bad count says the same range.
                    BadCase{{"run", "d", "--runs", "0"},
                            "--runs: must be a whole number from 1 to 1000000000"},
                    BadCase{{"run", "d", "--runs", "lots"},
                            "--runs: must be a whole number from 1 to 1000000000"},
                    BadCase{{"run", "d", "--runs", "-1"},
                            "--runs: must be a whole number from 1 to 1000000000"},
                    BadCase{{"run", "d", "--runs", "1000000001"},
                            "--runs: must be a whole number from 1 to 1000000000"},
                    BadCase{{"check", "d", "--max-states", "-5"},
                            "--max-states: must be a whole number from 1 to 1000000000"},
                    BadCase{{"run", "d", "--seed", "-3"},
                            "--seed: must be a whole number from 0 to 18446744073709551615"},
                    BadCase{{"run", "d", "--threads", "0"}, "--threads"},
                    BadCase{{"run", "d", "--format", "xml"}, "xml"},
                    BadCase{{"run", "d", "--log-level", "loud"}, "loud"},
                    BadCase{{"run", "d", "--log-format", "yaml"}, "yaml"},
                    BadCase{{"run", "d", "e"}, "e"}, BadCase{{"run", "d", "--bogus"}, "--bogus"},
                    BadCase{{"run", "d", "--seed", "18446744073709551616"},
                            "--seed: must be a whole number from 0 to 18446744073709551615"},
                    BadCase{{"run", "d", "--runs", "99999999999999999999"},
                            "--runs: must be a whole number from 1 to 1000000000"},
                    BadCase{{"run", "d", "--seed", "18446744073709551615", "--runs", "2"},
                            "--seed 18446744073709551615 with --runs 2 would need seeds past "
                            "18446744073709551615, the largest"},
                    BadCase{{"run", "d", "--node", "X=127.0.0.1:70000"},
                            "--node X=127.0.0.1:70000: the port must be a number from 1 to 65535"},
                    BadCase{{"run", "d", "--node", "X=127.0.0.1:0"},
                            "--node X=127.0.0.1:0: the port must be a number from 1 to 65535"},
                    BadCase{{"run", "d", "--node", "X=host:http"},
                            "--node X=host:http: the port must be a number from 1 to 65535"},
                    BadCase{{"run", "d", "--connect-timeout", "2"},
                            "--connect-timeout needs nodes (--node, --nodes-file or --loopback)"},
                    BadCase{{"run", "d", "--loopback", "2", "--connect-timeout", "0"},
                            "--connect-timeout 0: expected a number of seconds from 0.001 to "
                            "3600, such as 5 or 0.5"},
                    BadCase{{"demo", "--loopback", "2", "--connect-timeout", "5s"},
                            "--connect-timeout 5s: expected a number of seconds"},
                    BadCase{{"run", "d", "--loopback", "2", "--connect-timeout", "-1"},
                            "--connect-timeout -1: expected a number of seconds"},
                    BadCase{{"run", "d", "--loopback", "2", "--connect-timeout", "nan"},
                            "--connect-timeout nan: expected a number of seconds"},
                    BadCase{{"run", "d", "--loopback", "2", "--connect-timeout", "3601"},
                            "--connect-timeout 3601: expected a number of seconds"}));

TEST(CliTest, ShuffleAndInFlightAreForNodesAndChecked) {
  const CliRequest seeded =
      Parse({"run", "d", "--loopback", "2", "--shuffle", "seeded", "--in-flight", "3"});
  const auto* run = std::get_if<RunOptions>(&seeded);
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->shuffle, Shuffle::kSeeded);
  EXPECT_EQ(run->placement.in_flight, 3);
  const CliRequest unset = Parse({"run", "d", "--loopback", "2"});
  ASSERT_NE(std::get_if<RunOptions>(&unset), nullptr);
  EXPECT_FALSE(std::get_if<RunOptions>(&unset)->shuffle.has_value());  // network on nodes
  // --schedule on nodes asks for the seeded shuffle.
  const CliRequest replay = Parse({"run", "d", "--loopback", "2", "--schedule", "s"});
  ASSERT_NE(std::get_if<RunOptions>(&replay), nullptr);
  EXPECT_EQ(std::get_if<RunOptions>(&replay)->shuffle, Shuffle::kSeeded);
  for (const auto& [args, words] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"run", "d", "--shuffle", "network"}, "--shuffle network needs nodes"},
           {{"run", "d", "--loopback", "2", "--shuffle", "network", "--schedule", "s"},
            "--schedule needs --shuffle seeded"},
           {{"run", "d", "--shuffle", "sideways"}, "sideways"},
           {{"run", "d", "--in-flight", "4"}, "--in-flight needs nodes"},
           {{"run", "d", "--loopback", "2", "--in-flight", "0"}, "--in-flight"},
           {{"demo", "--local", "--shuffle", "network"}, "--shuffle network needs nodes"}}) {
    const CliRequest bad = Parse(args);
    const auto* exit = std::get_if<CliExit>(&bad);
    ASSERT_NE(exit, nullptr) << args.back();
    EXPECT_EQ(exit->code, 2);
    EXPECT_THAT(exit->err, ::testing::HasSubstr(words));
  }
}

}  // namespace
}  // namespace cardflow
