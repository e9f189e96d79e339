// --log-format json: a line about one run or stack carries `run` / `stack`
// fields beside the whole message (logger.h's convention); a line about
// several, or none, carries neither.
#include "common/logging/logger.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace cardflow {
namespace {

struct Case {
  std::string message;
  std::optional<std::string> run;
  std::optional<std::string> stack;
};

TEST(LogSubjectTest, RunAndStackByTheConvention) {
  const std::vector<Case> cases = {
      {"run 00000000deadbeef: starting 2 stacks", "00000000deadbeef", std::nullopt},
      {"run 0123456789abcdef: stack B failed at card 3: division by zero", "0123456789abcdef", "B"},
      {"run 0123456789abcdef (seed 8): node Y vanished; stack A starts over on node X",
       "0123456789abcdef", "A"},
      {"callback for run 0123456789abcdef, which this node no longer holds, dropped",
       "0123456789abcdef", std::nullopt},
      {"run 0123456789abcdef: took over stack left_2 (starting it over)", "0123456789abcdef",
       "left_2"},
      // Several runs, or several stacks: about none of them.
      {"shutdown: 2 runs ended before it: run 0000000000000001 (finished), run "
       "0000000000000002 (finished); 0 cancelled",
       std::nullopt, std::nullopt},
      {"stack A and stack B", std::nullopt, std::nullopt},
      {"stack A, then stack A again", std::nullopt, "A"},
      // Not the convention's words.
      {"listening on 127.0.0.1:7001 (advertised as 127.0.0.1:7001), 2 worker threads", std::nullopt,
       std::nullopt},
      {"run 12345: too short; rerun 0123456789abcdef", std::nullopt, std::nullopt},
      {"run 0123456789abcdefg is no label", std::nullopt, std::nullopt},
      {"stacks A, B start over; callstack X", std::nullopt, std::nullopt},
      {"stack 9 is no name", std::nullopt, std::nullopt},
  };
  for (const Case& c : cases) {
    const LogSubject subject = LogSubjectOf(c.message);
    EXPECT_EQ(subject.run, c.run) << c.message;
    EXPECT_EQ(subject.stack, c.stack) << c.message;
  }
}

TEST(JsonLogTest, FieldsBesideTheWholeMessage) {
  auto log = MakeStderrLogger("node", "X", {.level = "info", .format = LogFormat::kJson});
  ::testing::internal::CaptureStderr();
  log->info("run 0123456789abcdef: stack B failed at card 3: division by zero");
  log->info("listening on 127.0.0.1:7001");
  log->flush();
  std::istringstream lines(::testing::internal::GetCapturedStderr());
  std::string first, second;
  ASSERT_TRUE(std::getline(lines, first));
  ASSERT_TRUE(std::getline(lines, second));
  const nlohmann::json about = nlohmann::json::parse(first);
  EXPECT_EQ(about["node"], "X");
  EXPECT_EQ(about["run"], "0123456789abcdef");
  EXPECT_EQ(about["stack"], "B");
  EXPECT_EQ(about["message"], "run 0123456789abcdef: stack B failed at card 3: division by zero");
  const nlohmann::json plain = nlohmann::json::parse(second);
  EXPECT_FALSE(plain.contains("run"));
  EXPECT_FALSE(plain.contains("stack"));
  EXPECT_EQ(plain["message"], "listening on 127.0.0.1:7001");
}

}  // namespace
}  // namespace cardflow
