// `run` through the built binary: Ctrl-C keeps what ran, output paths are
// checked before the first run, every file written is announced, print lines
// show, a directory is not a deck; and every program answers --version.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "tests/child_process.h"
#include "tests/coordinator/subprocess.h"

namespace cardflow {
namespace {

using ::cardflow::testing::ChildProcess;
using ::cardflow::testutil::CoordinatorBinary;
using ::cardflow::testutil::ExampleDeck;
using ::cardflow::testutil::ProcessResult;
using ::cardflow::testutil::RunProcess;
using ::testing::HasSubstr;

uint64_t Number(std::string text) {
  std::erase(text, ',');
  return std::stoull(text);
}

// Runs 10^7 seeds of the transfer deck with `placement`, SIGINTs the real
// binary at its first progress line, and checks the partial report.
void InterruptAndCheck(const std::vector<std::string>& placement) {
  // stderr joins stdout so the test can wait for the first progress line.
  std::vector<std::string> argv = {"/bin/sh",           "-c",        "exec \"$0\" \"$@\" 2>&1",
                                   CoordinatorBinary(), "run",       ExampleDeck("transfer.deck"),
                                   "--ordering",        "none",      "--runs",
                                   "10000000",          "--progress"};
  argv.insert(argv.end(), placement.begin(), placement.end());
  std::unique_ptr<ChildProcess> run = ChildProcess::Spawn(argv);
  ASSERT_NE(run, nullptr);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string line;
  bool progressed = false;
  while (!progressed && run->ReadLine(deadline, &line)) progressed = line.starts_with("runs ");
  ASSERT_TRUE(progressed) << "no progress line; last: " << line;
  run->Signal(SIGINT);
  std::vector<std::string> lines;
  while (run->ReadLine(deadline, &line)) lines.push_back(line);
  EXPECT_EQ(run->Wait(std::chrono::seconds(30)), 130);

  const std::regex interrupted(R"(interrupted after ([0-9,]+) of 10,000,000 runs)");
  const std::regex header(R"((\d+) distinct outcomes? over (\d+) completed runs:)");
  const std::regex bar(R"(\s+(\d+)\s+[0-9.]+%.*balance=.*)");
  uint64_t finished = 0, completed = 0, summed = 0, bars = 0;
  bool said_sigint = false;
  for (const std::string& l : lines) {
    std::smatch m;
    if (std::regex_search(l, m, interrupted)) finished = Number(m[1]);
    if (std::regex_match(l, m, header)) completed = Number(m[2]);
    if (std::regex_match(l, m, bar)) {
      summed += Number(m[1]);
      ++bars;
    }
    said_sigint = said_sigint || l.starts_with("SIGINT: finishing the runs in flight");
  }
  EXPECT_TRUE(said_sigint);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back().rfind("INCOMPLETE: interrupted after ", 0), 0u) << lines.back();
  EXPECT_GT(finished, 0u);
  EXPECT_LT(finished, 10'000'000u);
  EXPECT_EQ(completed, finished);  // the transfer deck has no run errors
  EXPECT_GE(bars, 1u);
  EXPECT_EQ(summed, finished) << ::testing::PrintToString(lines);
}

TEST(RunCliTest, SigintPrintsTheReportOfTheRunsThatFinishedAndExits130) { InterruptAndCheck({}); }

TEST(RunCliTest, SigintDuringARemoteRunToo) { InterruptAndCheck({"--loopback", "2"}); }

// The demo stops on Ctrl-C too: what it told so far stays, the stage in
// flight says it was interrupted, exit 130. It is signalled once it logs
// its metrics address, which comes after it took the signals over.
TEST(RunCliTest, SigintStopsTheDemoKeepingWhatItToldAndExits130) {
  std::unique_ptr<ChildProcess> demo =
      ChildProcess::Spawn({"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1", CoordinatorBinary(), "demo",
                           "--metrics", "127.0.0.1:0", "--log-level", "info"});
  ASSERT_NE(demo, nullptr);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string line;
  bool serving = false;
  while (!serving && demo->ReadLine(deadline, &line))
    serving = line.find("metrics on") != line.npos;
  ASSERT_TRUE(serving) << "no metrics line; last: " << line;
  demo->Signal(SIGINT);
  std::string output;
  while (demo->ReadLine(deadline, &line)) output += line + "\n";
  EXPECT_EQ(demo->Wait(std::chrono::seconds(30)), 130) << output;
  EXPECT_THAT(output, HasSubstr("SIGINT: stopping the demo after the runs in flight"));
  EXPECT_THAT(output, HasSubstr("cardflow demo: every run deals the stacks' cards"));
  EXPECT_THAT(output, HasSubstr("(interrupted: the demo stopped here)"));
  EXPECT_THAT(output, ::testing::Not(HasSubstr("Try one yourself")));
}

std::filesystem::path TempDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("cardflow-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(RunCliTest, OutputPathsAreCheckedBeforeTheFirstRun) {
  const auto dir = TempDir("paths");
  std::ofstream(dir / "file") << "x";
  struct Case {
    std::vector<std::string> flags;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--report", "/nonexistent-dir/x.html"},
       "cannot write --report /nonexistent-dir/x.html: no such directory /nonexistent-dir"},
      {{"--trace", dir.string()}, "cannot write --trace " + dir.string() + ": it is a directory"},
      {{"--shiviz", (dir / "file" / "s.log").string()},
       "cannot write --shiviz " + (dir / "file" / "s.log").string() + ": " +
           (dir / "file").string() + " is not a directory"},
      {{"--reports", (dir / "file" / "sets").string()},
       "cannot write --reports " + (dir / "file" / "sets").string() + ": " +
           (dir / "file").string() + " is not a directory"},
  };
  for (const Case& c : cases) {
    // A billion runs: only a check before the first run returns at once.
    std::vector<std::string> argv = {CoordinatorBinary(), "run", ExampleDeck("transfer.deck"),
                                     "--runs", "1000000000"};
    argv.insert(argv.end(), c.flags.begin(), c.flags.end());
    const ProcessResult r = RunProcess(argv);
    EXPECT_EQ(r.exit_code, 2) << c.message;
    EXPECT_EQ(r.err, "cardflow-coordinator: " + c.message + "\n");
    EXPECT_EQ(r.out, "");
  }
  std::filesystem::remove_all(dir);
}

TEST(RunCliTest, AnnouncesEveryFileWritten) {
  const auto dir = TempDir("announce");
  const std::string trace = (dir / "t.json").string();
  const std::string html = (dir / "r.html").string();
  const ProcessResult r =
      RunProcess({CoordinatorBinary(), "run", ExampleDeck("transfer.deck"), "--ordering", "none",
                  "--runs", "50", "--seed", "17", "--trace", trace, "--report", html});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::regex announced("wrote " + trace + R"( \(seed (\d+)\)\nwrote )" + html +
                             R"( \(seed (\d+)\)\n)");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, announced)) << r.err;
  EXPECT_EQ(m[1], m[2]);
  EXPECT_GE(std::stoull(m[1]), 17u);
  EXPECT_LT(std::stoull(m[1]), 67u);
  EXPECT_TRUE(std::filesystem::exists(html));
  std::filesystem::remove_all(dir);
}

TEST(RunCliTest, TextOutputShowsThePrintLinesOfTheDrawnRun) {
  const auto dir = TempDir("prints");
  const std::string deck = (dir / "p.deck").string();
  std::ofstream(deck) << "shared s\nstack A:\n    set a 5\n    print a\n    notify B\n"
                         "stack B:\n    await A\n    print 7\n";
  const ProcessResult r = RunProcess({CoordinatorBinary(), "run", deck, "--runs", "20"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("print lines of the run with seed 1:\n  A: 5\n  B: 7\n\n"))
      << r.out;
  EXPECT_THAT(r.out, HasSubstr("PASS"));
  std::filesystem::remove_all(dir);
}

TEST(RunCliTest, ADirectoryIsNotADeck) {
  const auto dir = TempDir("dir-deck");
  const ProcessResult r = RunProcess({CoordinatorBinary(), "run", dir.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, dir.string() +
                       ": error: this is a directory, not a deck file (decks are files such "
                       "as examples/transfer.deck)\n");
  EXPECT_EQ(r.out, "");
  std::filesystem::remove_all(dir);
}

TEST(RunCliTest, EveryProgramAnswersVersion) {
  const std::string bin = std::filesystem::path(CoordinatorBinary()).parent_path().string();
  for (const std::string program :
       {"cardflow-coordinator", "cardflow-node", "cardflow-chaos", "cardflow-probe"}) {
    const ProcessResult r = RunProcess({bin + "/" + program, "--version"});
    EXPECT_EQ(r.exit_code, 0) << program << ": " << r.err;
    EXPECT_TRUE(std::regex_match(r.out, std::regex(program + R"( \d+\.\d+\.\d+\n)"))) << r.out;
  }
}

// A port past 65535 or a seed past 2^64 - 1 is a bad argument on every
// program, said as such: never wrapped (70000 is port 4464 to gRPC),
// clamped, or left to a library's unrelated complaint.
TEST(RunCliTest, PortsAndSeedsOutOfRangeAreExit2WithTheirRange) {
  const std::string bin = std::filesystem::path(CoordinatorBinary()).parent_path().string();
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"cardflow-chaos", "--seed", "18446744073709551616"},
            "--seed: must be a whole number from 0 to 18446744073709551615"},
           {{"cardflow-probe", "127.0.0.1:70000"},
            "cardflow-probe: 127.0.0.1:70000: expected HOST:PORT with a port from 1 to 65535"},
           {{"cardflow-node", "--name", "X", "--listen", "127.0.0.1:0", "--metrics",
             "127.0.0.1:99999"},
            "--metrics 127.0.0.1:99999: expected HOST:PORT with a port from 0 (any free one) to "
            "65535"},
           {{"cardflow-coordinator", "run", ExampleDeck("transfer.deck"), "--runs", "1",
             "--metrics", "127.0.0.1:99999"},
            "--metrics 127.0.0.1:99999: expected HOST:PORT with a port from 0 (any free one) to "
            "65535"}}) {
    std::vector<std::string> args = c.args;
    args[0] = bin + "/" + args[0];
    const ProcessResult r = RunProcess(args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(c.args) << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.message)) << ::testing::PrintToString(c.args);
  }
}

// CLI11's type tags (TEXT, INT:NONNEGATIVE, UINT, TEXT:{a,b}) say nothing to
// a user: every option of every program shows a word for its value, and
// the help ends in examples.
TEST(RunCliTest, EveryProgramsHelpNamesValuesInWordsAndShowsExamples) {
  const std::string bin = std::filesystem::path(CoordinatorBinary()).parent_path().string();
  const std::regex type_tag(R"(\b(TEXT|INT|UINT|FLOAT|NUMBER)\b)");
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"cardflow-coordinator", "run", "--help"},
                                             {"cardflow-coordinator", "check", "--help"},
                                             {"cardflow-coordinator", "demo", "--help"},
                                             {"cardflow-coordinator", "serve", "--help"},
                                             {"cardflow-node", "--help"},
                                             {"cardflow-chaos", "--help"},
                                             {"cardflow-probe", "--help"}}) {
    std::vector<std::string> args = command;
    args[0] = bin + "/" + args[0];
    const ProcessResult r = RunProcess(args);
    const std::string what = ::testing::PrintToString(command);
    EXPECT_EQ(r.exit_code, 0) << what << ": " << r.err;
    std::smatch tag;
    EXPECT_FALSE(std::regex_search(r.out, tag, type_tag)) << what << " shows " << tag.str() << ":\n"
                                                          << r.out;
    EXPECT_THAT(r.out, ::testing::ContainsRegex("Examples?:")) << what << ":\n" << r.out;
  }
}

}  // namespace
}  // namespace cardflow
