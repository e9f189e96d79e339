// LinkSecurity::Load and the credentials it makes: every bad file or flag
// combination is INVALID_ARGUMENT naming the flag (table-driven), and the
// good ones give the transport they promise.
#include "proto/link_security.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

namespace cardflow {
namespace {

// A fresh P-256 key, and a self-signed certificate for it, as PEM.
struct KeyPair {
  std::string key_pem;
  std::string cert_pem;
};

std::string ToPem(const std::function<int(BIO*)>& write) {
  BIO* bio = BIO_new(BIO_s_mem());
  std::string pem;
  if (write(bio) == 1) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    pem.assign(data, static_cast<size_t>(size));
  }
  BIO_free(bio);
  return pem;
}

KeyPair MakeKeyPair(const char* common_name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, key, EVP_sha256());
  KeyPair pair;
  pair.key_pem = ToPem([key](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
  pair.cert_pem = ToPem([cert](BIO* bio) { return PEM_write_bio_X509(bio, cert); });
  X509_free(cert);
  EVP_PKEY_free(key);
  return pair;
}

// A throwaway folder with files of known content: real keys and
// certificates (Load parses them), and files of every wrong kind.
class Files {
 public:
  Files() {
    char dir[] = "/tmp/cardflow-security-XXXXXX";
    if (mkdtemp(dir)) dir_ = dir;
    const KeyPair mine = MakeKeyPair("node-x");
    const KeyPair other = MakeKeyPair("node-y");
    Write("cert.pem", mine.cert_pem);
    Write("key.pem", mine.key_pem);
    Write("ca.pem", other.cert_pem);
    Write("other.key", other.key_pem);
    Write("broken.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    Write("broken.key", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n");
    Write("encrypted.key",
          "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
    Write("public.pem", "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n");
    std::filesystem::create_directory(dir_ / "folder");
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
  const std::filesystem::path& dir() const { return dir_; }

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

// Each TLS file that does not fit: the exact message, with the flag and the
// file ($ stands for the test's folder).
struct TlsCase {
  const char* name;
  const char* cert;
  const char* key;
  const char* ca;
  const char* says;
};

class LinkSecurityTlsFileTest : public ::testing::TestWithParam<TlsCase> {};

TEST_P(LinkSecurityTlsFileTest, IsInvalidArgumentWithTheExactMessage) {
  const TlsCase& c = GetParam();
  Files files;
  const StatusOr<LinkSecurity> loaded =
      LinkSecurity::Load({files(c.cert), files(c.key), files(c.ca), /*token*/ ""});
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
  std::string says = c.says;
  for (size_t at; (at = says.find('$')) != std::string::npos;) {
    says.replace(at, 1, files.dir().string());
  }
  EXPECT_EQ(loaded.status().message(), says);
}

INSTANTIATE_TEST_SUITE_P(
    Files, LinkSecurityTlsFileTest,
    ::testing::Values(
        TlsCase{"KeyDoesNotMatchCertificate", "cert.pem", "other.key", "",
                "--tls-key $/other.key: the key does not match the certificate in --tls-cert "
                "$/cert.pem"},
        TlsCase{"CertificateIsAKey", "key.pem", "key.pem", "",
                "--tls-cert $/key.pem: holds a private key, not a certificate (is it the "
                "--tls-key file?)"},
        TlsCase{"KeyIsACertificate", "cert.pem", "cert.pem", "",
                "--tls-key $/cert.pem: holds a certificate, not a private key (is it the "
                "--tls-cert file?)"},
        TlsCase{"CaIsAKey", "", "", "other.key",
                "--tls-ca $/other.key: holds a private key, not a certificate (is it the "
                "--tls-key file?)"},
        TlsCase{"CaIsAPublicKey", "", "", "public.pem",
                "--tls-ca $/public.pem: holds no PEM certificate"},
        TlsCase{"KeyIsEncrypted", "cert.pem", "encrypted.key", "",
                "--tls-key $/encrypted.key: the key is encrypted; give it without a passphrase "
                "(openssl pkey -in $/encrypted.key -out PLAIN.key)"},
        TlsCase{"CertificateIsADirectory", "folder", "key.pem", "",
                "--tls-cert $/folder: is a directory, not a file"},
        TlsCase{"CaIsMissing", "", "", "absent.pem",
                "--tls-ca $/absent.pem: cannot read the file: No such file or directory"}),
    [](const ::testing::TestParamInfo<TlsCase>& test) { return test.param.name; });

TEST(LinkSecurityTest, BrokenPemIsNamedWithOpenSslsReason) {
  Files files;
  StatusOr<LinkSecurity> loaded =
      LinkSecurity::Load({files("broken.pem"), files("key.pem"), "", ""});
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().message().rfind(
                "--tls-cert " + files("broken.pem") + ": the certificate does not parse (", 0),
            0u)
      << loaded.status().message();
  loaded = LinkSecurity::Load({files("cert.pem"), files("broken.key"), "", ""});
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().message().rfind(
                "--tls-key " + files("broken.key") + ": the private key does not parse (", 0),
            0u)
      << loaded.status().message();
}

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
