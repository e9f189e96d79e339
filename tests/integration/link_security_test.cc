// TLS, mutual TLS and the shared token between real processes: cardflow-node
// started with --tls-* / --token-file, reached by cardflow-probe and
// cardflow-coordinator with the right, the wrong and no credentials. The
// certificates are made at test time by scripts/make-dev-certs.sh (so the
// script is tested too): one CA for the cluster, another as "the wrong CA".
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/coordinator/subprocess.h"
#include "tests/integration/node_process.h"
#include "tests/test_paths.h"

namespace cardflow::testing {
namespace {

using ::cardflow::testutil::CoordinatorBinary;
using ::cardflow::testutil::ExampleDeck;
using ::cardflow::testutil::ProcessResult;
using ::cardflow::testutil::RunProcess;
using ::testing::AllOf;
using ::testing::HasSubstr;

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class LinkSecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char dir[] = "/tmp/cardflow-certs-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = new std::filesystem::path(dir);
    for (const char* name : {"right", "wrong"}) {
      const std::string command = SourceDir() + "/scripts/make-dev-certs.sh " +
                                  (*dir_ / name).string() + " node-x node-y > /dev/null";
      ASSERT_EQ(std::system(command.c_str()), 0) << command;
    }
  }
  static void TearDownTestSuite() {
    if (dir_) std::filesystem::remove_all(*dir_);
    delete dir_;
    dir_ = nullptr;
  }

  static std::string File(const std::string& set, const std::string& name) {
    return (*dir_ / set / name).string();
  }
  // A node's flags: serve TLS with the CA `set`'s node certificate, require
  // client certificates it signed, and require its token.
  static std::vector<std::string> NodeFlags(const std::string& set) {
    return {"--tls-cert", File(set, "node.pem"), "--tls-key",    File(set, "node.key"),
            "--tls-ca",   File(set, "ca.pem"),   "--token-file", File(set, "token")};
  }
  // A client's flags (probe, coordinator): the CA `set` and its client certificate and token.
  static std::vector<std::string> ClientFlags(const std::string& set) {
    return {"--tls-ca",  File(set, "ca.pem"),     "--tls-cert",   File(set, "client.pem"),
            "--tls-key", File(set, "client.key"), "--token-file", File(set, "token")};
  }

  static ProcessResult Probe(const std::string& address, const std::vector<std::string>& flags) {
    return RunProcess(Concat({BinDir() + "/cardflow-probe", address, "--timeout", "5"}, flags));
  }
  static ProcessResult Coordinator(const std::vector<std::string>& args) {
    return RunProcess(Concat({CoordinatorBinary()}, args));
  }
  static std::unique_ptr<NodeProcess> Node(const std::string& name,
                                           const std::vector<std::string>& flags) {
    std::string error;
    auto node = NodeProcess::Start(name, &error, flags);
    EXPECT_NE(node, nullptr) << error;
    return node;
  }

  static std::filesystem::path* dir_;
};

std::filesystem::path* LinkSecurityTest::dir_ = nullptr;

// --- the token, over plaintext -------------------------------------------

TEST_F(LinkSecurityTest, TokenRightIsServed) {
  auto node = Node("X", {"--token-file", File("right", "token")});
  ASSERT_NE(node, nullptr);
  const ProcessResult probe = Probe(node->address(), {"--token-file", File("right", "token")});
  EXPECT_EQ(probe.exit_code, 0) << probe.err;
  EXPECT_THAT(probe.out, HasSubstr("SERVING"));
}

TEST_F(LinkSecurityTest, TokenWrongIsRefusedAndLogged) {
  auto node = Node("X", {"--token-file", File("right", "token")});
  ASSERT_NE(node, nullptr);
  const ProcessResult probe = Probe(node->address(), {"--token-file", File("wrong", "token")});
  EXPECT_EQ(probe.exit_code, 1);
  EXPECT_THAT(probe.err, AllOf(HasSubstr("UNAUTHENTICATED"), HasSubstr("wrong token"),
                               HasSubstr("--token-file")));
  EXPECT_THAT(node->Log(), AllOf(HasSubstr("warn"), HasSubstr("refused"),
                                 HasSubstr("/grpc.health.v1.Health/Check"),
                                 HasSubstr("from ipv4:127.0.0.1:"), HasSubstr("wrong token")));
}

TEST_F(LinkSecurityTest, TokenMissingIsRefusedAndLogged) {
  auto node = Node("X", {"--token-file", File("right", "token")});
  ASSERT_NE(node, nullptr);
  const ProcessResult probe = Probe(node->address(), {});
  EXPECT_EQ(probe.exit_code, 1);
  EXPECT_THAT(probe.err, AllOf(HasSubstr("UNAUTHENTICATED"), HasSubstr("no token")));
  EXPECT_THAT(node->Log(), AllOf(HasSubstr("refused"), HasSubstr("no token")));
}

TEST_F(LinkSecurityTest, CoordinatorWithoutTheTokenIsRefused) {
  auto x = Node("X", {"--token-file", File("right", "token")});
  auto y = Node("Y", {"--token-file", File("right", "token")});
  ASSERT_TRUE(x && y);
  const std::vector<std::string> run = {
      "run",    ExampleDeck("transfer.deck"), "--runs", "20",
      "--node", "X=" + x->address(),          "--node", "Y=" + y->address()};
  const ProcessResult missing = Coordinator(run);
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  EXPECT_THAT(missing.err, AllOf(HasSubstr("node X at " + x->address() + " refused"),
                                 HasSubstr("no token"), HasSubstr("--token-file")));
  const ProcessResult wrong = Coordinator(Concat(run, {"--token-file", File("wrong", "token")}));
  EXPECT_EQ(wrong.exit_code, 3) << wrong.err;
  EXPECT_THAT(wrong.err, HasSubstr("wrong token"));
  // With it, callbacks go node to node with the token too.
  const ProcessResult right = Coordinator(Concat(run, {"--token-file", File("right", "token")}));
  EXPECT_EQ(right.exit_code, 0) << right.err;
  EXPECT_THAT(right.out, HasSubstr("PASS"));
}

// A node that answers and refuses the token is a misconfiguration, not a
// node down: the runs do not go on without it on the nodes that let the
// coordinator in.
TEST_F(LinkSecurityTest, OneNodeRefusingTheCoordinatorStopsTheRunsBeforeTheyStart) {
  auto x = Node("X", {"--token-file", File("right", "token")});
  auto y = Node("Y", {});
  ASSERT_TRUE(x && y);
  const ProcessResult result =
      Coordinator({"run", ExampleDeck("transfer.deck"), "--runs", "5", "--node",
                   "X=" + x->address(), "--node", "Y=" + y->address()});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_THAT(result.err,
              AllOf(HasSubstr("node X at " + x->address() + " refused"), HasSubstr("no token")));
  EXPECT_EQ(result.out, "");
}

// --- mutual TLS ------------------------------------------------------------

TEST_F(LinkSecurityTest, MutualTlsWithTheRightCaRunsADeckAcrossTwoNodes) {
  auto x = Node("X", NodeFlags("right"));
  auto y = Node("Y", NodeFlags("right"));
  ASSERT_TRUE(x && y);
  EXPECT_THAT(x->Log(), HasSubstr("mutual TLS, token required"));
  const ProcessResult probe = Probe(x->address(), ClientFlags("right"));
  EXPECT_EQ(probe.exit_code, 0) << probe.err;

  const std::string nodes = (*dir_ / "nodes.txt").string();
  std::ofstream(nodes) << "# two nodes\nX=" << x->address() << "\nY=" << y->address() << "\n";
  const ProcessResult run = Coordinator(
      Concat({"run", ExampleDeck("transfer.deck"), "--runs", "50", "--nodes-file", nodes},
             ClientFlags("right")));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, AllOf(HasSubstr("A on X, B on Y"), HasSubstr("PASS")));
}

TEST_F(LinkSecurityTest, MutualTlsWithTheWrongCaFailsTheHandshake) {
  auto x = Node("X", NodeFlags("right"));
  ASSERT_NE(x, nullptr);
  // The node's certificate is not signed by the CA this client trusts.
  const ProcessResult probe = Probe(x->address(), ClientFlags("wrong"));
  EXPECT_EQ(probe.exit_code, 1);
  EXPECT_THAT(probe.err, AllOf(HasSubstr("TLS handshake failed"), HasSubstr("--tls-ca")));
  // The client trusts the node, but its certificate is from another CA.
  const ProcessResult foreign =
      Probe(x->address(),
            {"--tls-ca", File("right", "ca.pem"), "--tls-cert", File("wrong", "client.pem"),
             "--tls-key", File("wrong", "client.key"), "--token-file", File("right", "token")});
  EXPECT_EQ(foreign.exit_code, 1);
  EXPECT_THAT(foreign.err, HasSubstr("TLS handshake failed"));
}

TEST_F(LinkSecurityTest, MutualTlsWithoutAClientCertificateFails) {
  auto x = Node("X", NodeFlags("right"));
  ASSERT_NE(x, nullptr);
  const std::vector<std::string> no_certificate = {"--tls-ca", File("right", "ca.pem"),
                                                   "--token-file", File("right", "token")};
  const ProcessResult probe = Probe(x->address(), no_certificate);
  EXPECT_EQ(probe.exit_code, 1);
  EXPECT_THAT(probe.err, HasSubstr("TLS handshake failed"));
  // A node without --tls-ca serves TLS but asks for no client certificate.
  auto tls = Node("T", {"--tls-cert", File("right", "node.pem"), "--tls-key",
                        File("right", "node.key"), "--token-file", File("right", "token")});
  ASSERT_NE(tls, nullptr);
  EXPECT_THAT(tls->Log(), HasSubstr(", TLS, token required"));
  const ProcessResult served = Probe(tls->address(), no_certificate);
  EXPECT_EQ(served.exit_code, 0) << served.err;
}

TEST_F(LinkSecurityTest, PlaintextAgainstTlsSaysSo) {
  auto x = Node("X", NodeFlags("right"));
  auto y = Node("Y", NodeFlags("right"));
  ASSERT_TRUE(x && y);
  const ProcessResult probe = Probe(x->address(), {"--token-file", File("right", "token")});
  EXPECT_EQ(probe.exit_code, 1);
  EXPECT_THAT(probe.err, HasSubstr("is the node running with TLS?"));

  const ProcessResult run =
      Coordinator({"run", ExampleDeck("transfer.deck"), "--node", "X=" + x->address(), "--node",
                   "Y=" + y->address(), "--token-file", File("right", "token")});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_THAT(run.err, AllOf(HasSubstr("node X at " + x->address()),
                             HasSubstr("TLS handshake failed / is the node running with TLS?"),
                             HasSubstr("--tls-ca")));
}

// --- bad files and flags: exit status 2 with a clear message ----------------

TEST_F(LinkSecurityTest, NodeRefusesToStartWithBadSecurityFiles) {
  const std::string empty = (*dir_ / "empty-token").string();
  std::ofstream(empty).close();
  struct Case {
    std::vector<std::string> flags;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--token-file", empty}, "--token-file " + empty + ": the file is empty"},
      {{"--token-file", (*dir_ / "absent").string()}, "cannot read the file"},
      {{"--tls-cert", File("right", "node.pem")}, "--tls-cert needs --tls-key"},
      {{"--tls-ca", File("right", "ca.pem")}, "--tls-ca on a server needs --tls-cert"},
  };
  for (const Case& c : cases) {
    // Under `timeout`: a node that wrongly starts must not hang the test.
    const ProcessResult node =
        RunProcess(Concat({"/usr/bin/timeout", "10", BinDir() + "/cardflow-node", "--name", "X",
                           "--listen", "127.0.0.1:0"},
                          c.flags));
    EXPECT_EQ(node.exit_code, 2) << c.says << "\n" << node.err;
    EXPECT_THAT(node.err, HasSubstr(c.says));
  }
}

TEST_F(LinkSecurityTest, CoordinatorRefusesBadSecurityFlags) {
  const ProcessResult loopback = Coordinator({"run", ExampleDeck("transfer.deck"), "--loopback",
                                              "2", "--token-file", File("right", "token")});
  EXPECT_EQ(loopback.exit_code, 2);
  EXPECT_THAT(loopback.err, HasSubstr("--loopback nodes run in this process"));
  const ProcessResult absent =
      Coordinator({"run", ExampleDeck("transfer.deck"), "--node", "X=127.0.0.1:1", "--tls-ca",
                   (*dir_ / "absent.pem").string()});
  EXPECT_EQ(absent.exit_code, 2);
  EXPECT_THAT(absent.err,
              HasSubstr("--tls-ca " + (*dir_ / "absent.pem").string() + ": cannot read the file"));
}

// TLS files that do not fit stop every program with exit 2 before any
// connection (the node does not start listening; the coordinator calls no
// node: 127.0.0.1:1 would fail otherwise with exit 3), naming the file.
TEST_F(LinkSecurityTest, TlsFilesThatDoNotFitAreExit2NamingTheFile) {
  const std::string node_cert = File("right", "node.pem");
  const std::string client_key = File("right", "client.key");
  const std::string node_key = File("right", "node.key");
  const std::string mismatch = "--tls-key " + client_key +
                               ": the key does not match the certificate in --tls-cert " +
                               node_cert;
  const std::vector<std::string> node = {"/usr/bin/timeout", "10", BinDir() + "/cardflow-node",
                                         "--name",           "X",  "--listen",
                                         "127.0.0.1:0"};
  ProcessResult result =
      RunProcess(Concat(node, {"--tls-cert", node_cert, "--tls-key", client_key}));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "cardflow-node: " + mismatch + "\n");
  EXPECT_EQ(result.out, "");  // never said "listening on"

  result = RunProcess(Concat(node, {"--tls-cert", node_key, "--tls-key", node_key}));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "cardflow-node: --tls-cert " + node_key +
                            ": holds a private key, not a certificate (is it the --tls-key "
                            "file?)\n");

  result = RunProcess(
      Concat(node, {"--tls-cert", node_cert, "--tls-key", node_key, "--tls-ca", dir_->string()}));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "cardflow-node: --tls-ca " + dir_->string() + ": is a directory, not a file\n");

  result = Coordinator({"run", ExampleDeck("transfer.deck"), "--node", "X=127.0.0.1:1", "--node",
                        "Y=127.0.0.1:1", "--tls-ca", File("right", "ca.pem"), "--tls-cert",
                        node_cert, "--tls-key", client_key});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr(mismatch));

  result = RunProcess(
      {BinDir() + "/cardflow-probe", "127.0.0.1:1", "--timeout", "5", "--tls-ca", client_key});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err,
              HasSubstr("--tls-ca " + client_key + ": holds a private key, not a certificate"));
}

TEST_F(LinkSecurityTest, CoordinatorSaysWhichLineOfTheNodesFileIsWrong) {
  const std::string nodes = (*dir_ / "bad-nodes.txt").string();
  std::ofstream(nodes) << "X=127.0.0.1:1\nY 127.0.0.1:2\n";
  const ProcessResult run =
      Coordinator({"run", ExampleDeck("transfer.deck"), "--nodes-file", nodes});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr(nodes + ":2: expected NAME=HOST:PORT, got \"Y 127.0.0.1:2\""));
}

}  // namespace
}  // namespace cardflow::testing
