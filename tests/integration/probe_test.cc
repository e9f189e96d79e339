// cardflow-probe against a real cardflow-node process, and against a port
// nobody listens on.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <string>

#include "tests/integration/node_process.h"
#include "tests/test_paths.h"

namespace cardflow::testing {
namespace {

struct ProbeResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

ProbeResult RunProbe(const std::string& args) {
  const std::string command = BinDir() + "/cardflow-probe " + args + " 2>&1";
  ProbeResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 512> buffer;
  while (fgets(buffer.data(), buffer.size(), pipe)) result.output += buffer.data();
  const int status = pclose(pipe);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

TEST(ProbeTest, RunningNodeIsServing) {
  std::string error;
  auto node = NodeProcess::Start("X", &error);
  ASSERT_TRUE(node) << error;
  const ProbeResult probe = RunProbe(node->address());
  EXPECT_EQ(probe.exit_code, 0) << probe.output;
  EXPECT_NE(probe.output.find("SERVING"), std::string::npos) << probe.output;
}

TEST(ProbeTest, ClosedPortFailsWithAMessage) {
  // A node that has exited leaves its port closed.
  std::string error;
  auto node = NodeProcess::Start("X", &error);
  ASSERT_TRUE(node) << error;
  const std::string address = node->address();
  node->Signal(SIGTERM);
  ASSERT_EQ(node->Wait(std::chrono::seconds(10)), 0) << node->Log();

  const ProbeResult probe = RunProbe(address + " --timeout 1");
  EXPECT_EQ(probe.exit_code, 1) << probe.output;
  EXPECT_NE(probe.output.find("cardflow-probe: " + address), std::string::npos) << probe.output;
}

TEST(ProbeTest, BadArgumentsExitTwo) { EXPECT_EQ(RunProbe("").exit_code, 2); }

}  // namespace
}  // namespace cardflow::testing
