// --toxic LINK=JSON parsing, table-driven.
#include "chaos/toxic_flag.h"

#include <gtest/gtest.h>

namespace cardflow::chaos {
namespace {

TEST(ToxicFlagTest, ParsesALinkAndAControlApiBody) {
  const StatusOr<ToxicFlag> flag = ParseToxicFlag(
      R"(node-y={"type":"latency","stream":"upstream","attributes":{"latency":20,"jitter":5}})");
  ASSERT_TRUE(flag.ok()) << flag.status().message();
  EXPECT_EQ(flag->link, "node-y");
  EXPECT_EQ(flag->spec.name, "latency_upstream");
  EXPECT_EQ(flag->spec.stream, Stream::kUpstream);
  const auto* latency = std::get_if<LatencyParams>(&flag->spec.params);
  ASSERT_NE(latency, nullptr);
  EXPECT_EQ(latency->latency_ms, 20);
  EXPECT_EQ(latency->jitter_ms, 5);
}

TEST(ToxicFlagTest, RejectsMalformedFlagsSayingWhy) {
  struct Case {
    std::string text;
    std::string says;
  };
  const Case cases[] = {
      {R"({"type":"latency"})", "no '='"},
      {R"(={"type":"latency"})", "LINK must be"},
      {R"(a/b={"type":"latency"})", "LINK must be"},
      {"a=latency", "not JSON"},
      {"a=", "not JSON"},
      {R"(a={"attributes":{"latency":1}})", "type"},
      {R"(a={"type":"latency","attributes":{"latency":-5}})", "'latency' must be in"},
      {R"(a={"type":"slow"})", "slow"},
  };
  for (const Case& c : cases) {
    const StatusOr<ToxicFlag> flag = ParseToxicFlag(c.text);
    ASSERT_FALSE(flag.ok()) << c.text;
    EXPECT_EQ(flag.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(flag.status().message().find(c.says), std::string::npos)
        << c.text << ": " << flag.status().message();
  }
}

}  // namespace
}  // namespace cardflow::chaos
