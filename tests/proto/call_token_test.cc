// CheckCallToken: what a node accepts as the shared token, table-driven.
#include "proto/call_token.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

namespace cardflow {
namespace {

struct Case {
  const char* name;
  std::optional<std::string> sent;  // the `authorization` value; none: not sent
  grpc::StatusCode code;
  const char* says;  // part of the message
};

class CallTokenTest : public ::testing::TestWithParam<Case> {};

TEST_P(CallTokenTest, Check) {
  const Case& c = GetParam();
  std::multimap<grpc::string_ref, grpc::string_ref> metadata;
  metadata.emplace("user-agent", "test");
  if (c.sent) metadata.emplace(kCallTokenKey, *c.sent);
  const grpc::Status status = CheckCallToken(metadata, "s3cret");
  EXPECT_EQ(status.error_code(), c.code) << status.error_message();
  EXPECT_NE(status.error_message().find(c.says), std::string::npos) << status.error_message();
}

INSTANTIATE_TEST_SUITE_P(
    Tokens, CallTokenTest,
    ::testing::Values(
        Case{"Right", "Bearer s3cret", grpc::StatusCode::OK, ""},
        Case{"Missing", std::nullopt, grpc::StatusCode::UNAUTHENTICATED, "no token"},
        Case{"Wrong", "Bearer s3creT", grpc::StatusCode::UNAUTHENTICATED, "wrong token"},
        Case{"Prefix", "Bearer s3cre", grpc::StatusCode::UNAUTHENTICATED, "wrong token"},
        Case{"Longer", "Bearer s3cret2", grpc::StatusCode::UNAUTHENTICATED, "wrong token"},
        Case{"Empty", "", grpc::StatusCode::UNAUTHENTICATED, "wrong token"},
        Case{"NoScheme", "s3cret", grpc::StatusCode::UNAUTHENTICATED, "wrong token"},
        Case{"OtherScheme", "Basic s3cret", grpc::StatusCode::UNAUTHENTICATED, "wrong token"}),
    [](const ::testing::TestParamInfo<Case>& test) { return test.param.name; });

}  // namespace
}  // namespace cardflow
