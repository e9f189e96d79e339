#include "base/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace cardflow {
namespace {

using testing::HasSubstr;

// A command like the programs': a subcommand with flags, a flag above it.
struct Program {
  CLI::App app{"test program", "prog"};
  std::string ordering;
  int runs = 0;

  Program() {
    app.add_option("--log-level", ordering);
    CLI::App* run = app.add_subcommand("run");
    run->add_option("--ordering", ordering);
    run->add_option("--runs", runs);
    CLI::App* check = app.add_subcommand("check");
    check->add_option("--max-states", runs);
  }

  std::optional<CommandLineExit> Parse(std::vector<std::string> args) {
    args.insert(args.begin(), "prog");
    std::vector<const char*> argv;
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    return ParseCommandLineOrExit(app, static_cast<int>(argv.size()), argv.data());
  }
};

TEST(ClosestWordTest, IgnoresDashesAndNeedsCloseness) {
  const std::vector<std::string> flags = {"--runs", "--ordering", "--seed"};
  EXPECT_EQ(ClosestWord("--ordring", flags), "--ordering");
  EXPECT_EQ(ClosestWord("--Runs", flags), "--runs");
  EXPECT_EQ(ClosestWord("--colour", flags), std::nullopt);
  EXPECT_EQ(ClosestWord("rnu", {"run", "check", "demo"}), "run");
}

TEST(ParseCommandLineOrExitTest, AGoodCommandLineGoesOn) {
  Program program;
  EXPECT_EQ(program.Parse({"run", "--runs", "3", "--ordering=none"}), std::nullopt);
  EXPECT_EQ(program.runs, 3);
  EXPECT_EQ(program.ordering, "none");
}

TEST(ParseCommandLineOrExitTest, AMisspelledFlagOfTheSubcommandIsNamed) {
  Program program;
  const std::optional<CommandLineExit> exit = program.Parse({"run", "--ordring", "none"});
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code, 2);
  EXPECT_EQ(exit->out, "");
  EXPECT_EQ(exit->err,
            "The following arguments were not expected: --ordring none; did you mean "
            "'--ordering'?\nRun with --help for more information.\n");
}

TEST(ParseCommandLineOrExitTest, AFlagOfAnotherCommandSaysWhose) {
  Program program;
  const std::optional<CommandLineExit> exit = program.Parse({"check", "--runs", "5"});
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code, 2);
  EXPECT_EQ(exit->err,
            "The following arguments were not expected: --runs 5\n"
            "'--runs' is an option of `run`, not of `check`\n"
            "Run with --help for more information.\n");
}

TEST(ParseCommandLineOrExitTest, AFlagWithAValueAfterEqualsIsNamedToo) {
  Program program;
  const std::optional<CommandLineExit> exit = program.Parse({"run", "--rnus=3", "--lg-level=x"});
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code, 2);
  EXPECT_THAT(exit->err, HasSubstr("'--rnus': did you mean '--runs'?\n"
                                   "'--lg-level': did you mean '--log-level'?\n"));
}

TEST(ParseCommandLineOrExitTest, NothingCloseIsNoGuess) {
  Program program;
  const std::optional<CommandLineExit> exit = program.Parse({"run", "--colour"});
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code, 2);
  EXPECT_THAT(exit->err, testing::Not(HasSubstr("did you mean")));
}

TEST(ParseCommandLineOrExitTest, HelpIsExit0) {
  Program program;
  const std::optional<CommandLineExit> exit = program.Parse({"run", "--help"});
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code, 0);
  EXPECT_THAT(exit->out, HasSubstr("--ordering"));
}

TEST(ParseCommandLineOrExitTest, ParseOnlyStopsAGoodCommandLineAndStillRefusesABadOne) {
  ASSERT_EQ(setenv("CARDFLOW_PARSE_ONLY", "1", 1), 0);
  Program good;
  const std::optional<CommandLineExit> stopped = good.Parse({"run", "--runs", "3"});
  Program bad;
  const std::optional<CommandLineExit> refused = bad.Parse({"run", "--runs", "three"});
  unsetenv("CARDFLOW_PARSE_ONLY");
  ASSERT_TRUE(stopped.has_value());
  EXPECT_EQ(stopped->code, 0);
  EXPECT_EQ(stopped->err, "");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->code, 2);
}

}  // namespace
}  // namespace cardflow
