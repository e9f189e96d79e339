// cardflow-chaos logs the line node and coordinator log (base/log_line.h).
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "tests/chaos/chaos_process.h"

namespace cardflow::chaos {
namespace {

TEST(ChaosLogLineTest, ItsLinesLookLikeTheNodesAndTheCoordinators) {
  std::string error;
  const std::unique_ptr<testing::ChaosProcess> chaos =
      testing::ChaosProcess::Start({"--seed", "7", "--log-level", "info"}, &error);
  ASSERT_NE(chaos, nullptr) << error;
  // The seed is logged before the control API listens, so it is there now.
  const std::regex seed_line(
      R"((^|\n)\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} info  \[program cardflow-chaos\] seed 7\n)");
  EXPECT_TRUE(std::regex_search(chaos->Log(), seed_line)) << chaos->Log();
}

}  // namespace
}  // namespace cardflow::chaos
