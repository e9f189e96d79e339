#include "proto/link_security.h"

#include <fmt/format.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace cardflow {

namespace {

bool Contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

// The whole file named by `flag`; INVALID_ARGUMENT when it cannot be read
// (with errno's words), is a directory, or is empty.
StatusOr<std::string> ReadFlagFile(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InvalidArgumentError(
        fmt::format("{} {}: cannot read the file: {}", flag, path, std::strerror(errno)));
  }
  struct stat info {};
  if (stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
    return InvalidArgumentError(fmt::format("{} {}: is a directory, not a file", flag, path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return InvalidArgumentError(fmt::format("{} {}: cannot read the file", flag, path));
  if (text.str().empty())
    return InvalidArgumentError(fmt::format("{} {}: the file is empty", flag, path));
  return text.str();
}

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* x509) const { X509_free(x509); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Certificate = std::unique_ptr<X509, X509Free>;
using PrivateKey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::unique_ptr<BIO, BioFree> Bio(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Never asks for a passphrase (OpenSSL would prompt on the terminal).
int NoPassphrase(char*, int, int, void*) { return 0; }

// OpenSSL's newest error (cleared), for a message; "" when none.
std::string OpenSslError() {
  const unsigned long code = ERR_peek_last_error();
  std::string text;
  if (code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    text = buffer;
  }
  ERR_clear_error();
  return text;
}

// The first certificate of `pem` (from --tls-cert or --tls-ca), or why it
// has none.
StatusOr<Certificate> FirstCertificate(const char* flag, const std::string& path,
                                       const std::string& pem) {
  auto bio = Bio(pem);
  Certificate certificate(PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
  if (certificate) {
    ERR_clear_error();
    return certificate;
  }
  const std::string why = OpenSslError();
  if (Contains(pem, "PRIVATE KEY-----")) {
    return InvalidArgumentError(fmt::format(
        "{} {}: holds a private key, not a certificate (is it the --tls-key file?)", flag, path));
  }
  if (Contains(pem, "-----BEGIN CERTIFICATE-----")) {
    return InvalidArgumentError(
        fmt::format("{} {}: the certificate does not parse ({})", flag, path, why));
  }
  return InvalidArgumentError(fmt::format("{} {}: holds no PEM certificate", flag, path));
}

StatusOr<PrivateKey> ReadPrivateKey(const std::string& path, const std::string& pem) {
  if (Contains(pem, "ENCRYPTED")) {
    return InvalidArgumentError(
        fmt::format("--tls-key {}: the key is encrypted; give it without a passphrase "
                    "(openssl pkey -in {} -out PLAIN.key)",
                    path, path));
  }
  auto bio = Bio(pem);
  PrivateKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (key) {
    ERR_clear_error();
    return key;
  }
  const std::string why = OpenSslError();
  if (Contains(pem, "-----BEGIN CERTIFICATE-----") && !Contains(pem, "PRIVATE KEY-----")) {
    return InvalidArgumentError(fmt::format(
        "--tls-key {}: holds a certificate, not a private key (is it the --tls-cert file?)", path));
  }
  if (Contains(pem, "PRIVATE KEY-----")) {
    return InvalidArgumentError(
        fmt::format("--tls-key {}: the private key does not parse ({})", path, why));
  }
  return InvalidArgumentError(fmt::format("--tls-key {}: holds no PEM private key", path));
}

// The PEM files, parsed: each of the kind its flag needs, the key the
// certificate's.
Status CheckTlsFiles(const LinkSecurityFiles& files, const std::string& cert_pem,
                     const std::string& key_pem, const std::string& ca_pem) {
  if (!files.tls_ca.empty()) {
    StatusOr<Certificate> ca = FirstCertificate("--tls-ca", files.tls_ca, ca_pem);
    if (!ca.ok()) return ca.status();
  }
  if (files.tls_cert.empty()) return Status::Ok();
  StatusOr<Certificate> certificate = FirstCertificate("--tls-cert", files.tls_cert, cert_pem);
  if (!certificate.ok()) return certificate.status();
  StatusOr<PrivateKey> key = ReadPrivateKey(files.tls_key, key_pem);
  if (!key.ok()) return key.status();
  const bool match = X509_check_private_key(certificate->get(), key->get()) == 1;
  ERR_clear_error();
  if (!match) {
    return InvalidArgumentError(
        fmt::format("--tls-key {}: the key does not match the certificate in --tls-cert {}",
                    files.tls_key, files.tls_cert));
  }
  return Status::Ok();
}

// The token is the file's text without surrounding white space (an editor's
// final newline), and must then be one line of visible ASCII: it is sent as
// a metadata value.
StatusOr<std::string> ReadToken(const std::string& path) {
  StatusOr<std::string> text = ReadFlagFile("--token-file", path);
  if (!text.ok()) return text.status();
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  std::string token = *text;
  token.erase(token.begin(), std::find_if_not(token.begin(), token.end(), space));
  token.erase(std::find_if_not(token.rbegin(), token.rend(), space).base(), token.end());
  if (token.empty()) {
    return InvalidArgumentError(fmt::format("--token-file {}: the file holds no token", path));
  }
  if (!std::all_of(token.begin(), token.end(), [](char c) { return c > ' ' && c < 0x7f; })) {
    return InvalidArgumentError(fmt::format(
        "--token-file {}: the token must be one word of printable ASCII (no spaces)", path));
  }
  return token;
}

}  // namespace

StatusOr<LinkSecurity> LinkSecurity::Load(const LinkSecurityFiles& files) {
  if (files.tls_cert.empty() != files.tls_key.empty()) {
    return InvalidArgumentError(files.tls_cert.empty() ? "--tls-key needs --tls-cert"
                                                       : "--tls-cert needs --tls-key");
  }
  LinkSecurity security;
  const struct {
    const char* flag;
    const std::string& path;
    std::string& pem;
  } pems[] = {{"--tls-cert", files.tls_cert, security.cert_pem_},
              {"--tls-key", files.tls_key, security.key_pem_},
              {"--tls-ca", files.tls_ca, security.ca_pem_}};
  for (const auto& pem : pems) {
    if (pem.path.empty()) continue;
    StatusOr<std::string> text = ReadFlagFile(pem.flag, pem.path);
    if (!text.ok()) return text.status();
    if (!Contains(*text, "-----BEGIN ")) {
      return InvalidArgumentError(fmt::format("{} {}: not a PEM file", pem.flag, pem.path));
    }
    pem.pem = *std::move(text);
  }
  if (Status s = CheckTlsFiles(files, security.cert_pem_, security.key_pem_, security.ca_pem_);
      !s.ok()) {
    return s;
  }
  if (!files.token_file.empty()) {
    StatusOr<std::string> token = ReadToken(files.token_file);
    if (!token.ok()) return token.status();
    security.token_ = *std::move(token);
  }
  return security;
}

std::shared_ptr<grpc::ChannelCredentials> LinkSecurity::ChannelCredentials() const {
  if (!client_tls()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ca_pem_;  // empty: gRPC's default roots
  options.pem_private_key = key_pem_;
  options.pem_cert_chain = cert_pem_;
  return grpc::SslCredentials(options);
}

StatusOr<std::shared_ptr<grpc::ServerCredentials>> LinkSecurity::ServerCredentials() const {
  if (!server_tls()) {
    if (!ca_pem_.empty()) {
      return InvalidArgumentError(
          "--tls-ca on a server needs --tls-cert and --tls-key: client certificates are "
          "only asked for over TLS");
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions options(
      mutual() ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
               : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_root_certs = ca_pem_;
  options.pem_key_cert_pairs.push_back({key_pem_, cert_pem_});
  return grpc::SslServerCredentials(options);
}

std::string LinkSecurity::DescribeServer() const {
  const char* transport = mutual() ? "mutual TLS" : server_tls() ? "TLS" : "plaintext";
  return token_.empty() ? transport : fmt::format("{}, token required", transport);
}

std::string LinkFailureHint(const LinkSecurity& mine, const std::string& error_message,
                            bool unauthenticated) {
  if (unauthenticated) {
    return mine.token().empty() ? "pass the node's token with --token-file"
                                : "does --token-file hold the node's token?";
  }
  const std::string& e = error_message;
  // A refused or unresolvable address is not a security mismatch.
  if (Contains(e, "Connection refused") || Contains(e, "DNS resolution failed") ||
      Contains(e, "No route to host")) {
    return "";
  }
  if (!mine.client_tls()) {
    // A TLS server drops a plaintext client's first bytes without a word.
    if (Contains(e, "Socket closed") || Contains(e, "Connection reset") ||
        Contains(e, "Broken pipe") || Contains(e, "end of stream") || Contains(e, "EOF")) {
      return "TLS handshake failed / is the node running with TLS? Then pass --tls-ca (and "
             "--tls-cert/--tls-key if it requires client certificates)";
    }
    return "";
  }
  if (Contains(e, "andshake") || Contains(e, "SSL") || Contains(e, "ssl") ||
      Contains(e, "certificate") || Contains(e, "Socket closed") ||
      Contains(e, "Connection reset")) {
    return "TLS handshake failed: is the node running with TLS, is its certificate signed by "
           "--tls-ca and made out to the host you named, and, if it requires client "
           "certificates, do --tls-cert/--tls-key carry one signed by its CA?";
  }
  return "";
}

}  // namespace cardflow
