// LinkSecurity: how one end of a cardflow gRPC link protects it — TLS (and
// mutual TLS) from PEM files, and a shared token sent with every call. The
// same flags mean the same on every program (docs/lan.md):
//
//   --tls-cert FILE --tls-key FILE  this end's certificate chain and key. A
//                                   server then speaks TLS; a client presents
//                                   them when the server asks (mutual TLS).
//   --tls-ca FILE                   the CA that signs the other ends. A client
//                                   verifies the server with it; a server
//                                   then requires and verifies client
//                                   certificates.
//   --token-file FILE               the shared token: sent on every call,
//                                   and required on every call a node takes.
//
//   StatusOr<LinkSecurity> security = LinkSecurity::Load(files);  // in main()
//   auto channel = MakeChannel(address, *security);  // channel_settings.h
//
// A default LinkSecurity is plaintext without a token: what in-process
// (loopback) clusters and most tests use. Plain data after Load: copyable,
// and every method may be called from any thread.
#pragma once

#include <memory>
#include <string>

#include "common/status/status.h"

namespace grpc {
class ChannelCredentials;
class ServerCredentials;
}  // namespace grpc

namespace cardflow {

// The file names as the command line gives them; empty: not given.
struct LinkSecurityFiles {
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca;
  std::string token_file;

  bool any() const {
    return !tls_cert.empty() || !tls_key.empty() || !tls_ca.empty() || !token_file.empty();
  }
};

class LinkSecurity {
 public:
  LinkSecurity() = default;  // plaintext, no token

  // Reads and checks every file named, so that a bad one stops the program
  // (exit 2) before any connection. INVALID_ARGUMENT naming the flag and the
  // file when one cannot be read (with the system's reason), is a directory,
  // or is empty; when --tls-cert comes without --tls-key (or the other way
  // round); when a PEM file is of the wrong kind (--tls-cert or --tls-ca
  // without a certificate, a key among them; --tls-key without a private
  // key, or one with a passphrase); when the key does not match the
  // certificate ("--tls-key K: the key does not match the certificate in
  // --tls-cert C"); or when the token is not one line of printable ASCII (it
  // travels as call metadata).
  static StatusOr<LinkSecurity> Load(const LinkSecurityFiles& files);

  // A client speaks TLS once it has a CA to verify the server with or a
  // certificate to present (without --tls-ca it trusts the system's roots).
  bool client_tls() const { return !ca_pem_.empty() || !cert_pem_.empty(); }
  // A server speaks TLS once it has a certificate.
  bool server_tls() const { return !cert_pem_.empty(); }
  // A server with a CA requires client certificates signed by it.
  bool mutual() const { return server_tls() && !ca_pem_.empty(); }
  // The shared token; empty: none is sent, and none is required.
  const std::string& token() const { return token_; }

  // For a client: TLS as above, or insecure credentials.
  std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials() const;
  // For a server: TLS as above, or insecure credentials. INVALID_ARGUMENT
  // for a CA without a certificate: a server cannot ask for client
  // certificates over plaintext.
  StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials() const;

  // What a server offers, for its start-up line: "plaintext", "TLS",
  // "mutual TLS", each followed by ", token required" when there is one.
  std::string DescribeServer() const;

 private:
  std::string cert_pem_;
  std::string key_pem_;
  std::string ca_pem_;
  std::string token_;
};

// A hint for a call that failed to reach the other end, when the failure
// looks like the two ends disagree on security (a plaintext client against
// a TLS server, a certificate the client does not trust, a client without
// a certificate against mutual TLS) or on the token; empty when it does
// not. `error_message` is the failed call's grpc::Status message;
// `unauthenticated` says whether its code was UNAUTHENTICATED.
std::string LinkFailureHint(const LinkSecurity& mine, const std::string& error_message,
                            bool unauthenticated);

}  // namespace cardflow
