// LinkSecurity::Load and the credentials it makes: every bad file or flag
// combination is INVALID_ARGUMENT naming the flag (table-driven), and the
// good ones give the transport they promise.
#include "proto/link_security.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace cardflow {
namespace {

// A throwaway folder with files of known content. The PEM files only have
// to look like PEM here: Load does not parse them, gRPC does.
class Files {
 public:
  Files() {
    char dir[] = "/tmp/cardflow-security-XXXXXX";
    if (mkdtemp(dir)) dir_ = dir;
    Write("cert.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    Write("key.pem", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n");
    Write("ca.pem", "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n");
    Write("token", "tok-123\n");
    Write("empty", "");
    Write("blank", " \n\n");
    Write("spaced", "two words\n");
    Write("text", "not a certificate\n");
  }
  ~Files() { std::filesystem::remove_all(dir_); }
  std::string operator()(const std::string& name) const {
    return name.empty() ? "" : (dir_ / name).string();
  }

 private:
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::filesystem::path dir_;
};

struct BadCase {
  const char* name;
  const char* cert;
  const char* key;
  const char* ca;
  const char* token;
  const char* says;
};

class LinkSecurityBadTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(LinkSecurityBadTest, IsInvalidArgument) {
  const BadCase& c = GetParam();
  Files files;
  const StatusOr<LinkSecurity> loaded =
      LinkSecurity::Load({files(c.cert), files(c.key), files(c.ca), files(c.token)});
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(loaded.status().message().find(c.says), std::string::npos) << loaded.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Files, LinkSecurityBadTest,
    ::testing::Values(
        BadCase{"CertWithoutKey", "cert.pem", "", "", "", "--tls-cert needs --tls-key"},
        BadCase{"KeyWithoutCert", "", "key.pem", "", "", "--tls-key needs --tls-cert"},
        BadCase{"MissingCa", "", "", "absent.pem", "", "--tls-ca"},
        BadCase{"EmptyCert", "empty", "key.pem", "", "", "the file is empty"},
        BadCase{"NotPem", "", "", "text", "", "not a PEM file"},
        BadCase{"MissingToken", "", "", "", "absent", "--token-file"},
        BadCase{"EmptyToken", "", "", "", "empty", "the file is empty"},
        BadCase{"BlankToken", "", "", "", "blank", "holds no token"},
        BadCase{"TokenWithSpace", "", "", "", "spaced", "one word"}),
    [](const ::testing::TestParamInfo<BadCase>& test) { return test.param.name; });

TEST(LinkSecurityTest, DefaultIsPlaintextWithoutToken) {
  const LinkSecurity security;
  EXPECT_FALSE(security.client_tls());
  EXPECT_FALSE(security.server_tls());
  EXPECT_TRUE(security.token().empty());
  EXPECT_TRUE(security.ServerCredentials().ok());
  EXPECT_EQ(security.DescribeServer(), "plaintext");
}

TEST(LinkSecurityTest, TokenIsTrimmed) {
  Files files;
  const StatusOr<LinkSecurity> loaded =
      LinkSecurity::Load({/*cert*/ "", /*key*/ "", /*ca*/ "", files("token")});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->token(), "tok-123");
  EXPECT_FALSE(loaded->client_tls());
  EXPECT_EQ(loaded->DescribeServer(), "plaintext, token required");
}

TEST(LinkSecurityTest, CaAloneIsATlsClientButCannotServe) {
  Files files;
  const StatusOr<LinkSecurity> loaded =
      LinkSecurity::Load({/*cert*/ "", /*key*/ "", files("ca.pem"), /*token*/ ""});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->client_tls());
  EXPECT_FALSE(loaded->server_tls());
  const auto server = loaded->ServerCredentials();
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(server.status().message().find("--tls-ca on a server needs --tls-cert"),
            std::string::npos);
}

TEST(LinkSecurityTest, CertKeyAndCaMeanMutualTls) {
  Files files;
  const StatusOr<LinkSecurity> loaded =
      LinkSecurity::Load({files("cert.pem"), files("key.pem"), files("ca.pem"), files("token")});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->server_tls());
  EXPECT_TRUE(loaded->mutual());
  EXPECT_EQ(loaded->DescribeServer(), "mutual TLS, token required");
}

struct HintCase {
  const char* name;
  bool client_tls;
  const char* error;
  bool unauthenticated;
  const char* says;  // part of the hint; "" for no hint
};

class LinkFailureHintTest : public ::testing::TestWithParam<HintCase> {};

TEST_P(LinkFailureHintTest, Hint) {
  const HintCase& c = GetParam();
  Files files;
  LinkSecurity mine;
  if (c.client_tls)
    mine = *LinkSecurity::Load({/*cert*/ "", /*key*/ "", files("ca.pem"), /*token*/ ""});
  const std::string hint = LinkFailureHint(mine, c.error, c.unauthenticated);
  if (std::string(c.says).empty()) {
    EXPECT_EQ(hint, "");
  } else {
    EXPECT_NE(hint.find(c.says), std::string::npos) << hint;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Errors, LinkFailureHintTest,
    ::testing::Values(
        HintCase{"PlaintextAgainstTls", false,
                 "failed to connect to all addresses; last error: UNAVAILABLE: "
                 "ipv4:127.0.0.1:1: Socket closed",
                 false, "is the node running with TLS?"},
        HintCase{"UntrustedCertificate", true,
                 "last error: UNKNOWN: ipv4:127.0.0.1:1: Ssl handshake failed: SSL_ERROR_SSL: "
                 "certificate verify failed",
                 false, "signed by --tls-ca"},
        HintCase{"Refused", false, "ipv4:127.0.0.1:1: Connection refused", false, ""},
        HintCase{"RefusedOverTls", true, "ipv4:127.0.0.1:1: Connection refused", false, ""},
        HintCase{"NoToken", false, "no token", true, "--token-file"},
        HintCase{"WrongToken", true, "wrong token", true, "--token-file"}),
    [](const ::testing::TestParamInfo<HintCase>& test) { return test.param.name; });

}  // namespace
}  // namespace cardflow
