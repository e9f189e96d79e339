// `run --trace/--shiviz/--report` through the built binary: the files are
// written, are what they claim to be, and draw a run the report counted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "tests/coordinator/subprocess.h"

namespace cardflow {
namespace {

using ::cardflow::testutil::CoordinatorBinary;
using ::cardflow::testutil::ExampleDeck;
using ::cardflow::testutil::ProcessResult;
using ::cardflow::testutil::RunProcess;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ExportsCliTest, WritesTraceShivizAndHtmlOfAFailingRun) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("cardflow-exports-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const ProcessResult r =
      RunProcess({CoordinatorBinary(), "run", ExampleDeck("transfer.deck"), "--ordering", "none",
                  "--runs", "200", "--trace", (dir / "t.json").string(), "--shiviz",
                  (dir / "t.log").string(), "--report", (dir / "t.html").string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;

  const auto trace = nlohmann::json::parse(Slurp(dir / "t.json"), nullptr, false);
  ASSERT_FALSE(trace.is_discarded());
  ASSERT_TRUE(trace.contains("traceEvents"));
  EXPECT_FALSE(trace["traceEvents"].empty());
  for (const auto& event : trace["traceEvents"]) {
    for (const char* field : {"name", "ph", "pid", "tid"}) EXPECT_TRUE(event.contains(field));
  }
  const std::string shiviz = Slurp(dir / "t.log");
  EXPECT_THAT(shiviz, HasSubstr("A {\""));
  EXPECT_THAT(shiviz, HasSubstr("B {\""));
  const std::string html = Slurp(dir / "t.html");
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, HasSubstr("balance"));
  // The drawn run is a failing one: the page says which expect it broke.
  EXPECT_THAT(html, HasSubstr("✗ expect"));
  // The stepper's data: every outcome row carries its witness run, replayed
  // from the report's seed and schedule, and that run ends in the row's
  // outcome (the table after its steps — the last write, stepper_data.h —
  // holds the row's balance).
  const std::string open = "<script type=\"application/json\" id=\"stepper-data-1\">";
  const size_t from = html.find(open);
  ASSERT_NE(from, std::string::npos);
  const size_t to = html.find("</script>", from);
  const auto data = nlohmann::json::parse(html.substr(from + open.size(), to - from - open.size()),
                                          nullptr, false);
  ASSERT_FALSE(data.is_discarded());
  ASSERT_GE(data["outcomes"].size(), 3u);
  for (const auto& outcome : data["outcomes"]) {
    // "sample": the witness is the drawn run, embedded once.
    const auto& run = outcome["run"] == "sample" ? data["sample"] : outcome["run"];
    ASSERT_TRUE(run.is_object()) << outcome.dump();
    EXPECT_EQ(run["schedule"], outcome["schedule"]);
    EXPECT_EQ(run["outcome"], outcome["text"]);
    const std::string text = outcome["text"];
    nlohmann::json balance = run["init"]["table"][0];
    for (const auto& step : run["steps"]) {
      if (step[1] == 1) balance = step[2];  // a write (op 1) and its value
    }
    EXPECT_EQ("balance=" + balance.dump(), text.substr(0, text.find(' ')));
  }
  std::filesystem::remove_all(dir);
}

// --compare-ordering: the same seeds under the other ordering, beside the
// ordering asked for (left), in one page whose panes step together; the
// stdout report and the trace are the ordering asked for alone.
TEST(ExportsCliTest, CompareOrderingPutsBothOrderingsSideBySide) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("cardflow-compare-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string page = (dir / "c.html").string();
  const std::string trace = (dir / "c.json").string();
  const ProcessResult r =
      RunProcess({CoordinatorBinary(), "run", ExampleDeck("transfer.deck"), "--runs", "100",
                  "--compare-ordering", "none", "--report", page, "--trace", trace});
  EXPECT_EQ(r.exit_code, 0) << r.err;  // the callbacks runs all pass
  EXPECT_THAT(r.out, HasSubstr("ordering callbacks"));
  EXPECT_THAT(r.out, Not(HasSubstr("ordering none")));
  const std::string html = Slurp(page);
  EXPECT_THAT(html, HasSubstr("<main class=\"sections cols-2\" data-together>"));
  const size_t naive = html.find("<h2>--ordering none");
  const size_t ordered = html.find("<h2>--ordering callbacks");
  ASSERT_NE(naive, std::string::npos);
  ASSERT_NE(ordered, std::string::npos);
  EXPECT_LT(ordered, naive);
  // The trace draws a run of the ordering asked for: with callbacks, B's
  // await takes A's callback (no missed await in its events).
  const std::string events = Slurp(trace);
  EXPECT_THAT(events, HasSubstr("await"));
  EXPECT_THAT(events, Not(HasSubstr("missed")));
  // Same seeds: both sections count runs 1..100.
  EXPECT_LT(html.find("100 (seeds 1..100)", ordered), naive);
  EXPECT_NE(html.find("100 (seeds 1..100)", naive), std::string::npos);
  EXPECT_THAT(html, HasSubstr("id=\"stepper-data-2\""));

  // One pane: nothing to step together with.
  const ProcessResult one = RunProcess(
      {CoordinatorBinary(), "run", ExampleDeck("transfer.deck"), "--runs", "10", "--report", page});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_THAT(Slurp(page), HasSubstr("<main class=\"sections\">"));
  std::filesystem::remove_all(dir);
}

// A deck that loads only without callbacks (an await nobody notifies) is
// refused before anything runs, naming the flag.
TEST(ExportsCliTest, CompareOrderingTheDeckCannotTakeIsExit2) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("cardflow-compare-bad-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto deck = dir / "lonely.deck";
  std::ofstream(deck) << "shared x\nstack A:\n    await B\n    write 1 -> x\nstack B:\n"
                         "    write 2 -> x\n";
  const ProcessResult r =
      RunProcess({CoordinatorBinary(), "run", deck.string(), "--ordering", "none",
                  "--compare-ordering", "callbacks", "--report", (dir / "x.html").string()});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("--compare-ordering callbacks"));
  EXPECT_THAT(r.err, HasSubstr("lonely.deck:"));
  EXPECT_FALSE(std::filesystem::exists(dir / "x.html"));
  std::filesystem::remove_all(dir);
}

TEST(ExportsCliTest, UnwritableFileIsExit2NamingIt) {
  const ProcessResult r = RunProcess({CoordinatorBinary(), "run", ExampleDeck("transfer.deck"),
                                      "--runs", "5", "--report", "/nonexistent-dir/x.html"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent-dir/x.html"));
}

// Remote placement draws a run the nodes made: a track per node, and the
// events the nodes sent back (no local replay).
TEST(ExportsCliTest, RemoteRunsDrawARunTheNodesMade) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("cardflow-remote-exports-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const ProcessResult r =
      RunProcess({CoordinatorBinary(), "run", ExampleDeck("transfer.deck"), "--loopback", "2",
                  "--runs", "20", "--trace", (dir / "t.json").string(), "--shiviz",
                  (dir / "t.log").string(), "--report", (dir / "t.html").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto trace = nlohmann::json::parse(Slurp(dir / "t.json"), nullptr, false);
  ASSERT_FALSE(trace.is_discarded());
  std::set<std::string> processes;
  size_t events = 0;
  for (const auto& event : trace["traceEvents"]) {
    if (event["ph"] == "M" && event["name"] == "process_name") {
      processes.insert(event["args"]["name"].get<std::string>());
    } else {
      ++events;
    }
  }
  EXPECT_EQ(processes, (std::set<std::string>{"node X", "node Y"}));
  EXPECT_GT(events, 4u);
  EXPECT_THAT(Slurp(dir / "t.log"), HasSubstr("B {\""));
  EXPECT_THAT(Slurp(dir / "t.html"), HasSubstr("<svg"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cardflow
