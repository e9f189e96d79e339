// cardflow-probe: is the cardflow node at HOST:PORT serving?
//
//   cardflow-probe HOST:PORT [--timeout SECONDS]
//                  [--tls-ca FILE [--tls-cert FILE --tls-key FILE]] [--token-file FILE]
//
// Calls grpc.health.v1.Health/Check once, with a deadline of --timeout
// (default 2 s). Exit status: 0 when the node answers SERVING (and says so
// on stdout); 1 when it answers anything else, cannot be reached, or does
// not answer in time (the reason on stderr); 2 for bad arguments. Meant for
// Docker healthchecks: `HEALTHCHECK CMD cardflow-probe 127.0.0.1:7001`. A
// node running with TLS or a token needs the same flags as the coordinator
// (proto/link_security.h); when the failure looks like a mismatch, the
// message says which flag to check.
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>

#include "base/command_line.h"
#include "base/port.h"
#include "common/status/status.h"
#include "proto/channel_settings.h"
#include "proto/grpc_status.h"
#include "proto/health.grpc.pb.h"

int main(int argc, char** argv) {
  using grpc::health::v1::HealthCheckResponse;

  std::string address;
  double timeout_seconds = 2.0;
  CLI::App app{"cardflow-probe: exit 0 if the cardflow node at HOST:PORT is serving"};
  app.set_version_flag("--version", "cardflow-probe " CARDFLOW_VERSION);
  app.footer(R"(Examples:
  cardflow-probe 127.0.0.1:7001
  cardflow-probe hostx.lan:7001 --timeout 5 --tls-ca certs/ca.pem --token-file certs/token)");
  app.add_option("address", address, "the node to ask")->required()->option_text("HOST:PORT");
  app.add_option("--timeout", timeout_seconds, "how long to wait for the answer")
      ->check(CLI::PositiveNumber)
      ->option_text("SECONDS (default: 2)");
  cardflow::LinkSecurityFiles files;
  app.add_option("--tls-ca", files.tls_ca, "PEM CA to verify the node's certificate (TLS)")
      ->option_text("FILE (default: plaintext)");
  app.add_option("--tls-cert", files.tls_cert,
                 "PEM client certificate, for a node that requires one (mutual TLS)")
      ->option_text("FILE");
  app.add_option("--tls-key", files.tls_key, "PEM private key of --tls-cert")->option_text("FILE");
  app.add_option("--token-file", files.token_file, "file holding the node's shared token")
      ->option_text("FILE (default: no token)");
  if (const auto exit = cardflow::ParseCommandLineOrExit(app, argc, argv)) return exit->Print();

  if (!cardflow::PortOf(address, 1)) {
    fmt::print(stderr, "cardflow-probe: {}: expected HOST:PORT with a port from 1 to 65535\n",
               address);
    return 2;
  }
  const cardflow::StatusOr<cardflow::LinkSecurity> security = cardflow::LinkSecurity::Load(files);
  if (!security.ok()) {
    fmt::print(stderr, "cardflow-probe: {}\n", security.status().message());
    return 2;
  }
  auto stub = grpc::health::v1::Health::NewStub(cardflow::MakeChannel(address, *security));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::duration<double>(timeout_seconds)));
  grpc::health::v1::HealthCheckRequest request;  // service "": the server as a whole
  HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) {
    const std::string hint =
        cardflow::LinkFailureHint(*security, status.error_message(),
                                  status.error_code() == grpc::StatusCode::UNAUTHENTICATED);
    fmt::print(stderr, "cardflow-probe: {}: health check failed (timeout {} s): {}{}{}\n", address,
               timeout_seconds, cardflow::FromGrpcStatus(status).ToString(),
               hint.empty() ? "" : "\n  hint: ", hint);
    return 1;
  }
  const std::string serving = HealthCheckResponse::ServingStatus_Name(response.status());
  if (response.status() != HealthCheckResponse::SERVING) {
    fmt::print(stderr, "cardflow-probe: {}: {}\n", address, serving);
    return 1;
  }
  fmt::print("{}: {}\n", address, serving);
  return 0;
}
