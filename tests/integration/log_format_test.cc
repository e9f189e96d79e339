// --log-format json: every line a program writes to stderr is one JSON
// object with time, level and message — a node process from start to
// shutdown, and a coordinator with loopback nodes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/integration/node_process.h"
#include "tests/test_paths.h"

namespace cardflow::testing {
namespace {

// Checks each line of `log` (a JSON object with a time, a level, a message
// and the field `component`, or `or_component` when given) and returns how
// many there were.
int ExpectJsonLines(const std::string& log, const std::string& component,
                    const std::string& or_component = "") {
  std::istringstream lines(log);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    const nlohmann::json object = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(object.is_object()) << "not a JSON object: " << line;
    if (!object.is_object()) continue;
    for (const char* field : {"time", "level", "message"}) {
      EXPECT_TRUE(object.contains(field) && object[field].is_string())
          << "no string \"" << field << "\": " << line;
    }
    EXPECT_TRUE(object.contains(component) ||
                (!or_component.empty() && object.contains(or_component)))
        << line;
  }
  return count;
}

TEST(LogFormatTest, NodeLogsOneJsonObjectPerLine) {
  std::string error;
  auto node = NodeProcess::Start("X", &error, {"--log-format", "json", "--log-level", "debug"});
  ASSERT_TRUE(node) << error;
  node->Signal(SIGTERM);
  ASSERT_EQ(node->Wait(std::chrono::seconds(10)), 0) << node->Log();
  const std::string log = node->Log();
  EXPECT_GE(ExpectJsonLines(log, "node"), 3) << log;  // listening, shutting down, stopped
  EXPECT_NE(log.find(R"("node":"X")"), std::string::npos) << log;
  EXPECT_NE(log.find("SIGTERM, shutting down"), std::string::npos) << log;
}

TEST(LogFormatTest, CoordinatorLoopbackNodesLogJson) {
  const std::string command = BinDir() + "/cardflow-coordinator run " + SourceDir() +
                              "/examples/transfer.deck --loopback 2 --runs 5"
                              " --log-level debug --log-format json 2>&1 >/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string log;
  std::array<char, 4096> buffer;
  while (fgets(buffer.data(), buffer.size(), pipe)) log += buffer.data();
  const int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log;
  // The nodes' lines name their node; the coordinator's own, the run.
  EXPECT_GE(ExpectJsonLines(log, "node", "run"), 2) << log;
  // Lines about one run carry it as a field of its own (logger.h).
  std::istringstream lines(log);
  int about_a_run = 0;
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json object = nlohmann::json::parse(line, nullptr, false);
    if (!object.is_object() || !object.contains("run")) continue;
    ++about_a_run;
    EXPECT_EQ(object["run"].get<std::string>().size(), 16u) << line;
    EXPECT_NE(object["message"].get<std::string>().find(object["run"].get<std::string>()),
              std::string::npos)
        << line;
  }
  EXPECT_GE(about_a_run, 5) << log;  // every node says when it starts each run
}

}  // namespace
}  // namespace cardflow::testing
