// --link and HOST:PORT parsing, table-driven.
#include "chaos/link_spec.h"

#include <gtest/gtest.h>

namespace cardflow::chaos {
namespace {

TEST(LinkSpecTest, ParsesValidLinks) {
  struct Case {
    std::string text;
    LinkSpec want;
  };
  const Case cases[] = {
      {"a=127.0.0.1:0:127.0.0.1:7001", {"a", {"127.0.0.1", 0}, {"127.0.0.1", 7001}}},
      {"node_b.1-x=0.0.0.0:9000:node-b:50051",
       {"node_b.1-x", {"0.0.0.0", 9000}, {"node-b", 50051}}},
      {"v6=[::1]:0:[::1]:80", {"v6", {"::1", 0}, {"::1", 80}}},
      {"mixed=localhost:1:[fe80::1]:65535", {"mixed", {"localhost", 1}, {"fe80::1", 65535}}},
  };
  for (const Case& c : cases) {
    const StatusOr<LinkSpec> spec = ParseLinkSpec(c.text);
    ASSERT_TRUE(spec.ok()) << c.text << ": " << spec.status().message();
    EXPECT_EQ(*spec, c.want) << c.text;
  }
}

TEST(LinkSpecTest, RejectsMalformedLinksSayingWhy) {
  struct Case {
    std::string text;
    std::string says;
  };
  const Case cases[] = {
      {"127.0.0.1:0:127.0.0.1:1", "no '='"},
      {"=127.0.0.1:0:127.0.0.1:1", "NAME"},
      {"a/b=127.0.0.1:0:127.0.0.1:1", "NAME"},
      {"a=127.0.0.1:0", "no upstream"},
      {"a=127.0.0.1:0:127.0.0.1", "no ':PORT'"},
      {"a=127.0.0.1:x:127.0.0.1:1", "port"},
      {"a=127.0.0.1:0:127.0.0.1:70000", "port"},
      {"a=127.0.0.1:0:127.0.0.1:0", "upstream port must not be 0"},
      {"a=:0:127.0.0.1:1", "empty host"},
      {"a=[::1:0:127.0.0.1:1", "no upstream"},
      {"a=127.0.0.1:0:127.0.0.1:1:2", "IPv6"},
  };
  for (const Case& c : cases) {
    const StatusOr<LinkSpec> spec = ParseLinkSpec(c.text);
    ASSERT_FALSE(spec.ok()) << c.text;
    EXPECT_EQ(spec.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(spec.status().message().find(c.says), std::string::npos)
        << c.text << ": " << spec.status().message();
  }
}

TEST(HostPortTest, PrintsIpv6InBrackets) {
  EXPECT_EQ((HostPort{"::1", 80}).ToString(), "[::1]:80");
  EXPECT_EQ((HostPort{"10.0.0.1", 8}).ToString(), "10.0.0.1:8");
}

}  // namespace
}  // namespace cardflow::chaos
