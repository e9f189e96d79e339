// cardflow-node --health-listen: a real node serving mutual TLS with a token
// on its main port and plaintext grpc.health.v1 — and nothing else — on its
// health port, as the kubelet's gRPC probe needs (deploy/kubernetes); and
// health addresses it cannot listen on stopping it with exit 2.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "proto/cardflow.grpc.pb.h"
#include "proto/health.grpc.pb.h"
#include "tests/coordinator/subprocess.h"
#include "tests/integration/node_process.h"
#include "tests/node/reflection_call.h"
#include "tests/test_paths.h"

namespace cardflow::testing {
namespace {

using ::cardflow::testutil::ProcessResult;
using ::cardflow::testutil::RunProcess;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr auto kDeadline = std::chrono::seconds(5);

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::shared_ptr<grpc::Channel> Plaintext(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

class HealthListenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char dir[] = "/tmp/cardflow-health-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = new std::filesystem::path(dir);
    const std::string command =
        SourceDir() + "/scripts/make-dev-certs.sh " + dir_->string() + " > /dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static void TearDownTestSuite() {
    if (dir_) std::filesystem::remove_all(*dir_);
    delete dir_;
    dir_ = nullptr;
  }
  static std::string File(const std::string& name) { return (*dir_ / name).string(); }

  // Mutual TLS and the token on the main port.
  static std::vector<std::string> SecureFlags() {
    return {"--tls-cert", File("node.pem"), "--tls-key",    File("node.key"),
            "--tls-ca",   File("ca.pem"),   "--token-file", File("token")};
  }

  // A node with SecureFlags() and --health-listen 127.0.0.1:0; its health
  // address in *health.
  static std::unique_ptr<NodeProcess> SecureNode(std::string* health) {
    std::string error;
    auto node =
        NodeProcess::Start("X", &error, Concat(SecureFlags(), {"--health-listen", "127.0.0.1:0"}));
    EXPECT_NE(node, nullptr) << error;
    if (!node) return nullptr;
    std::string line;
    const std::string prefix = "health listening on ";
    EXPECT_TRUE(node->ReadLine(std::chrono::seconds(10), &line)) << node->Log();
    EXPECT_EQ(line.rfind(prefix, 0), 0u) << line;
    *health = line.substr(std::min(prefix.size(), line.size()));
    return node;
  }

  static ProcessResult Probe(const std::string& address, const std::vector<std::string>& flags) {
    return RunProcess(Concat({BinDir() + "/cardflow-probe", address, "--timeout", "5"}, flags));
  }

  // cardflow-node with `flags`, under `timeout` so that a node that wrongly
  // starts cannot hang the test.
  static ProcessResult NodeRun(const std::vector<std::string>& flags) {
    return RunProcess(Concat({"/usr/bin/timeout", "10", BinDir() + "/cardflow-node", "--name", "X",
                              "--listen", "127.0.0.1:0"},
                             flags));
  }

  static std::filesystem::path* dir_;
};

std::filesystem::path* HealthListenTest::dir_ = nullptr;

TEST_F(HealthListenTest, PlaintextProbeWithoutCertificateOrTokenSeesServing) {
  std::string health;
  auto node = SecureNode(&health);
  ASSERT_NE(node, nullptr);
  EXPECT_NE(health, node->address());
  EXPECT_THAT(node->Log(),
              AllOf(HasSubstr("mutual TLS, token required"),
                    HasSubstr("health (grpc.health.v1 only, plaintext, no token) on " + health)));

  // What the kubelet does: plaintext, no client certificate, no token.
  const ProcessResult probe = Probe(health, {});
  EXPECT_EQ(probe.exit_code, 0) << probe.err;
  EXPECT_THAT(probe.out, HasSubstr("SERVING"));

  // The main port still wants TLS, the client certificate and the token.
  EXPECT_EQ(Probe(node->address(), {}).exit_code, 1);
  const ProcessResult secure =
      Probe(node->address(), {"--tls-ca", File("ca.pem"), "--tls-cert", File("client.pem"),
                              "--tls-key", File("client.key"), "--token-file", File("token")});
  EXPECT_EQ(secure.exit_code, 0) << secure.err;
}

TEST_F(HealthListenTest, HealthPortServesNothingElse) {
  std::string health;
  auto node = SecureNode(&health);
  ASSERT_NE(node, nullptr);

  // The Node service is not there: Ping is UNIMPLEMENTED, not refused for
  // want of a token.
  auto stub = wire::Node::NewStub(Plaintext(health));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kDeadline);
  wire::PingRequest request;
  wire::PingReply reply;
  const grpc::Status ping = stub->Ping(&context, request, &reply);
  EXPECT_EQ(ping.error_code(), grpc::StatusCode::UNIMPLEMENTED) << ping.error_message();

  // Nor is server reflection (the main port has it).
  grpc::GenericStub generic(Plaintext(health));
  ReflectionCall call(generic, std::string("\x3a\x00", 2));
  std::string answer;
  const grpc::Status reflection = call.Wait(&answer);
  EXPECT_EQ(reflection.error_code(), grpc::StatusCode::UNIMPLEMENTED) << reflection.error_message();

  // Health itself answers, with any service name the default service knows.
  auto health_stub = grpc::health::v1::Health::NewStub(Plaintext(health));
  grpc::ClientContext check_context;
  check_context.set_deadline(std::chrono::system_clock::now() + kDeadline);
  grpc::health::v1::HealthCheckRequest check;
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status checked = health_stub->Check(&check_context, check, &response);
  ASSERT_TRUE(checked.ok()) << checked.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(HealthListenTest, HealthPortClosesWithTheNode) {
  std::string health;
  auto node = SecureNode(&health);
  ASSERT_NE(node, nullptr);
  node->Signal(SIGTERM);
  ASSERT_EQ(node->Wait(std::chrono::seconds(10)), 0) << node->Log();
  const ProcessResult probe = Probe(health, {});
  EXPECT_EQ(probe.exit_code, 1) << probe.out;
}

TEST_F(HealthListenTest, AddressItCannotListenOnIsExit2) {
  // A port held by a plain listening socket.
  const int held = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(held, 0);
  sockaddr_in bound{};
  bound.sin_family = AF_INET;
  bound.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(bound);
  ASSERT_EQ(bind(held, reinterpret_cast<sockaddr*>(&bound), sizeof(bound)), 0);
  ASSERT_EQ(listen(held, 1), 0);
  ASSERT_EQ(getsockname(held, reinterpret_cast<sockaddr*>(&bound), &length), 0);
  const std::string in_use = "127.0.0.1:" + std::to_string(ntohs(bound.sin_port));

  // Another node's main port: gRPC binds it with SO_REUSEPORT, which must
  // not let the health port share it.
  std::string error;
  auto other = NodeProcess::Start("Y", &error);
  ASSERT_NE(other, nullptr) << error;

  struct Case {
    std::string address;
    std::string says;
  };
  const std::vector<Case> cases = {
      {in_use, "--health-listen " + in_use + ": cannot listen there"},
      {other->address(), "--health-listen " + other->address() + ": cannot listen there"},
      // TEST-NET-1 (RFC 5737): no address of this machine; only bound, never dialled.
      {"192.0.2.1:0", "--health-listen 192.0.2.1:0: cannot listen there"},
      {"7001", "--health-listen 7001: expected HOST:PORT"},
  };
  for (const Case& c : cases) {
    const ProcessResult node = NodeRun(Concat(SecureFlags(), {"--health-listen", c.address}));
    EXPECT_EQ(node.exit_code, 2) << c.address << "\n" << node.err;
    EXPECT_THAT(node.err, HasSubstr(c.says));
    EXPECT_EQ(node.out, "") << c.address;  // never said "listening on"
  }
  close(held);
}

}  // namespace
}  // namespace cardflow::testing
