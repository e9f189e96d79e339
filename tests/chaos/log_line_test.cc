// cardflow-chaos logs the line node and coordinator log (base/log_line.h),
// and with --log-format json their JSON line (base/logger.h).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

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

TEST(ChaosLogLineTest, LogFormatJsonWritesOneObjectPerLineAsNodeAndCoordinator) {
  std::string error;
  const std::unique_ptr<testing::ChaosProcess> chaos = testing::ChaosProcess::Start(
      {"--seed", "7", "--log-level", "info", "--log-format", "json"}, &error);
  ASSERT_NE(chaos, nullptr) << error;
  // The seed is logged before the control API listens, so it is there now.
  std::istringstream lines(chaos->Log());
  std::vector<nlohmann::ordered_json> logged;
  for (std::string line; std::getline(lines, line);) {
    nlohmann::ordered_json object =
        nlohmann::ordered_json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(object.is_object()) << "not a JSON object: " << line;
    logged.push_back(std::move(object));
  }
  ASSERT_FALSE(logged.empty());
  const nlohmann::ordered_json& seed = logged.front();  // the first line of all
  std::vector<std::string> keys;
  for (const auto& item : seed.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"time", "level", "program", "message"})) << seed;
  EXPECT_TRUE(std::regex_match(seed.value("time", ""),
                               std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")))
      << seed;
  EXPECT_EQ(seed.value("level", ""), "info") << seed;
  EXPECT_EQ(seed.value("program", ""), "cardflow-chaos") << seed;
  EXPECT_EQ(seed.value("message", ""), "seed 7") << seed;
}

TEST(ChaosLogLineTest, AnUnknownLogFormatIsExit2) {
  std::string log;
  EXPECT_EQ(testing::ChaosProcess::RunToExit({"--log-format", "xml"}, &log), 2);
  EXPECT_NE(log.find("--log-format"), std::string::npos) << log;
}

}  // namespace
}  // namespace cardflow::chaos
