// End to end through the command line: `run` and `demo` with real
// cardflow-node processes (--node) and embedded ones (--loopback), and the
// exit statuses the spec gives a cluster that cannot carry the run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/child_process.h"
#include "tests/coordinator/subprocess.h"
#include "tests/integration/node_process.h"

namespace cardflow {
namespace {

using ::cardflow::testing::ChildProcess;
using ::cardflow::testing::NodeProcess;
using ::cardflow::testutil::CoordinatorBinary;
using ::cardflow::testutil::ExampleDeck;
using ::cardflow::testutil::ProcessResult;
using ::cardflow::testutil::RunProcess;
using ::cardflow::testutil::TempFile;
using ::testing::HasSubstr;

ProcessResult Coordinator(std::vector<std::string> args) {
  args.insert(args.begin(), CoordinatorBinary());
  return RunProcess(args);
}

// The report without `placement`, which is the one field allowed to differ.
nlohmann::json WithoutPlacement(const std::string& json) {
  nlohmann::json report = nlohmann::json::parse(json, nullptr, false);
  EXPECT_FALSE(report.is_discarded()) << json;
  report.erase("placement");
  // A network-shuffled remote run's witness schedule is the nodes' order.
  if (report.contains("outcomes")) {
    for (auto& outcome : report["outcomes"]) outcome.erase("schedule");
  }
  return report;
}

class RemoteCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    x_ = NodeProcess::Start("X", &error);
    ASSERT_NE(x_, nullptr) << error;
    y_ = NodeProcess::Start("Y", &error);
    ASSERT_NE(y_, nullptr) << error;
  }
  std::vector<std::string> Nodes() const {
    return {"--node", "X=" + x_->address(), "--node", "Y=" + y_->address()};
  }
  std::unique_ptr<NodeProcess> x_;
  std::unique_ptr<NodeProcess> y_;
};

TEST_F(RemoteCliTest, TransferOnTwoNodesReportsLikeLocalWithNodesAsPlacement) {
  std::vector<std::string> args = {"run", ExampleDeck("transfer.deck"), "--runs", "300", "--format",
                                   "json"};
  const ProcessResult local = Coordinator(args);
  std::vector<std::string> remote_args = args;
  for (const std::string& a : Nodes()) remote_args.push_back(a);
  const ProcessResult remote = Coordinator(remote_args);
  ASSERT_EQ(remote.exit_code, 0) << remote.err;
  EXPECT_EQ(WithoutPlacement(remote.out), WithoutPlacement(local.out));
  const auto placement = nlohmann::json::parse(remote.out)["placement"];
  EXPECT_EQ(placement["A"], "X");
  EXPECT_EQ(placement["B"], "Y");
}

TEST_F(RemoteCliTest, PlaceOverridesTheDecksHints) {
  std::vector<std::string> args = {"run",      ExampleDeck("transfer.deck"),
                                   "--runs",   "20",
                                   "--format", "json",
                                   "--place",  "A=Y",
                                   "--place",  "B=X"};
  for (const std::string& a : Nodes()) args.push_back(a);
  const ProcessResult r = Coordinator(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto placement = nlohmann::json::parse(r.out)["placement"];
  EXPECT_EQ(placement["A"], "Y");
  EXPECT_EQ(placement["B"], "X");
}

TEST_F(RemoteCliTest, NaiveTransferOnNodesFailsItsExpectAsLocally) {
  std::vector<std::string> args = {
      "run", ExampleDeck("transfer.deck"), "--runs", "400", "--ordering", "none", "--format",
      "json"};
  for (const std::string& a : Nodes()) args.push_back(a);
  const ProcessResult r = Coordinator(args);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // Named: a range-for over a member of a temporary (`parse(...)["outcomes"]`)
  // iterates after the temporary died (heap-use-after-free under ASan).
  const nlohmann::json report = nlohmann::json::parse(r.out);
  for (const auto& outcome : report.at("outcomes")) {
    const int64_t balance = outcome["values"]["balance"].get<int64_t>();
    EXPECT_TRUE(balance == 150 || balance == 200 || balance == 250 || balance == 300) << balance;
  }
}

TEST_F(RemoteCliTest, DemoOnTwoNodesTellsTheStory) {
  std::vector<std::string> args = {"demo"};
  for (const std::string& a : Nodes()) args.push_back(a);
  const ProcessResult r = Coordinator(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("A runs on X, B on Y"));
  EXPECT_THAT(r.out, HasSubstr("on 2 nodes (X, Y)"));
  EXPECT_THAT(r.out, HasSubstr("Network order"));
  EXPECT_THAT(r.out, HasSubstr("identical, seed for seed"));
}

// The demo's story places A on X and B on Y: with Y unreachable it stops at
// the first runs (exit 3) rather than tell it with both on X.
TEST_F(RemoteCliTest, DemoWithANodeUnreachableStopsNamingIt) {
  const ProcessResult r =
      Coordinator({"demo", "--node", "X=" + x_->address(), "--node", "Y=127.0.0.1:1"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err,
              HasSubstr("demo: node Y at 127.0.0.1:1 is unreachable: nothing listens there"));
  EXPECT_THAT(r.err, HasSubstr("demo: the demo runs A and B on the nodes it is given"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("identical")));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("2 nodes (X, Y)")));
}

TEST(RemoteCliErrorsTest, NoReachableNodeIsExit3NamingEach) {
  // Port 1 on loopback: nothing listens there.
  const ProcessResult r = Coordinator(
      {"run", ExampleDeck("transfer.deck"), "--node", "X=127.0.0.1:1", "--node", "Y=127.0.0.1:1"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("cardflow-coordinator: no node is reachable, so no run can start:\n"
                               "  node X at 127.0.0.1:1 is unreachable: nothing listens there"));
  EXPECT_THAT(r.err, HasSubstr("\n  node Y at 127.0.0.1:1 is unreachable: nothing listens there"));
  EXPECT_EQ(r.out, "");
}

// DECK.md: exit 3 only when no other node can take an unreachable node's
// stacks. Y does not answer: a warning says so and why, its stacks (B by
// the deck's hint, A by --place) run on X, and the report says so.
TEST_F(RemoteCliTest, ANodeUnreachableAtStartIsWarnedAboutAndItsStacksRunElsewhere) {
  const std::vector<std::string> args = {"run",     ExampleDeck("transfer.deck"),
                                         "--runs",  "30",
                                         "--node",  "X=" + x_->address(),
                                         "--node",  "Y=127.0.0.1:1",
                                         "--place", "A=Y"};
  const ProcessResult r = Coordinator(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("node Y at 127.0.0.1:1 is unreachable: nothing listens there "
                               "(connection refused); start one with `cardflow-node --name Y "
                               "--listen 127.0.0.1:1`; the runs start without it: stacks A, B run "
                               "on the live nodes until node Y answers"));
  EXPECT_THAT(r.out, HasSubstr("unreachable at start (the runs started without them; their "
                               "stacks ran elsewhere):\n  node Y at 127.0.0.1:1 is unreachable: "));
  EXPECT_THAT(r.out, HasSubstr("placed elsewhere for the runs that started while their node "
                               "was down:\n  A: Y -> X\n  B: Y -> X\n"));
  EXPECT_THAT(r.out, HasSubstr("placement A on X, B on X"));
  EXPECT_THAT(r.out, HasSubstr("PASS"));

  std::vector<std::string> json_args = args;
  json_args.insert(json_args.end(), {"--format", "json"});
  const ProcessResult json = Coordinator(json_args);
  EXPECT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json report = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << json.out;
  EXPECT_EQ(report["moved"], nlohmann::json({"A: Y -> X", "B: Y -> X"}));
  // `placement` is where the stacks ran (DECK.md), not where they were asked to.
  EXPECT_EQ(report["placement"], nlohmann::json({{"A", "X"}, {"B", "X"}}));
  EXPECT_EQ(report["runs"], 30);
}

// Runs `cardflow-coordinator ARGS` (stderr joined to stdout), SIGKILLs node
// `y` at the first line `seen` accepts, and returns every line printed after
// it and the exit status. A failure (and no kill) when no such line comes.
std::vector<std::string> KillNodeOnceSeen(NodeProcess& y, const std::vector<std::string>& args,
                                          const std::function<bool(const std::string&)>& seen,
                                          int* exit_code) {
  std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1", CoordinatorBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::unique_ptr<ChildProcess> run = ChildProcess::Spawn(argv);
  std::vector<std::string> lines;
  EXPECT_NE(run, nullptr);
  if (run == nullptr) return lines;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string line;
  bool found = false;
  while (!found && run->ReadLine(deadline, &line)) found = seen(line);
  EXPECT_TRUE(found) << "the line to kill the node at did not come; last: " << line;
  if (!found) return lines;
  y.Signal(SIGKILL);
  while (run->ReadLine(deadline, &line)) lines.push_back(line);
  *exit_code = run->Wait(std::chrono::seconds(30));
  return lines;
}

// Runs the transfer deck 10^7 times on node Y alone, SIGKILLs Y at the
// coordinator's first progress line (see KillNodeOnceSeen).
std::vector<std::string> LoseEveryNodeMidRun(NodeProcess& y, const std::vector<std::string>& extra,
                                             int* exit_code) {
  std::vector<std::string> args = {
      "run",    ExampleDeck("transfer.deck"), "--runs",  "10000000", "--progress",
      "--node", "Y=" + y.address(),           "--place", "A=Y"};
  args.insert(args.end(), extra.begin(), extra.end());
  return KillNodeOnceSeen(
      y, args, [](const std::string& line) { return line.starts_with("runs "); }, exit_code);
}

uint64_t Number(std::string text) {
  std::erase(text, ',');
  return std::stoull(text);
}

// Losing every node mid-run keeps the runs that completed: their report is
// printed, marked as partial like an interrupted one, the error on stderr,
// exit 3 — in text and in JSON.
TEST_F(RemoteCliTest, LosingEveryNodeMidRunPrintsTheReportOfTheCompletedRunsAndExits3) {
  for (const bool json : {false, true}) {
    SCOPED_TRACE(json ? "json" : "text");
    std::string error;
    std::unique_ptr<NodeProcess> y = NodeProcess::Start("Y", &error);
    ASSERT_NE(y, nullptr) << error;
    int exit_code = -1;
    const std::vector<std::string> lines = LoseEveryNodeMidRun(
        *y, json ? std::vector<std::string>{"--format", "json"} : std::vector<std::string>{},
        &exit_code);
    EXPECT_EQ(exit_code, 3) << ::testing::PrintToString(lines);
    const std::regex partial(
        R"(^the cluster could not carry the runs after ([0-9,]+) of 10,000,000 runs$)");
    const std::regex counted(json ? R"(^  "runs": (\d+),$)"
                                  : R"(^1 outcome over (\d+) completed runs:$)");
    uint64_t finished = 0, completed = 0;
    bool said_why = false;
    for (const std::string& l : lines) {
      std::smatch m;
      if (std::regex_match(l, m, partial)) finished = Number(m[1]);
      if (std::regex_match(l, m, counted)) completed = Number(m[1]);
      said_why = said_why || (l.starts_with("cardflow-coordinator: ") &&
                              l.find("no live node is left") != std::string::npos);
    }
    EXPECT_TRUE(said_why) << ::testing::PrintToString(lines);
    EXPECT_GT(finished, 0u) << ::testing::PrintToString(lines);
    EXPECT_EQ(completed, finished) << ::testing::PrintToString(lines);
    if (!json) {
      // The verdict of the completed runs, then a last line that says the
      // whole was not done.
      ASSERT_GE(lines.size(), 2u);
      EXPECT_EQ(lines[lines.size() - 2].rfind("PASS", 0), 0u) << lines[lines.size() - 2];
      std::smatch m;
      ASSERT_TRUE(
          std::regex_match(lines.back(), m,
                           std::regex(R"(^INCOMPLETE: the cluster could not carry the runs )"
                                      R"(after ([0-9,]+) of 10,000,000 runs; the verdict )"
                                      R"(above is of those runs$)")))
          << lines.back();
      EXPECT_EQ(Number(m[1]), finished);
    }
  }
}

// Losing every node before any run completed leaves nothing to report: the
// error and exit 3, and no report of 0 runs marked partial.
TEST_F(RemoteCliTest, LosingEveryNodeBeforeAnyRunCompletedPrintsOnlyTheError) {
  for (const bool json : {false, true}) {
    SCOPED_TRACE(json ? "json" : "text");
    std::string error;
    std::unique_ptr<NodeProcess> y = NodeProcess::Start("Y", &error);
    ASSERT_NE(y, nullptr) << error;
    // The one run sleeps for a minute on Y: it cannot complete before Y dies.
    const TempFile deck("slow.deck", "stack A:\n    sleep 60000\n");
    std::vector<std::string> args = {"run",         deck.path(), "--runs", "1",
                                     "--log-level", "debug",     "--node", "Y=" + y->address()};
    if (json) args.insert(args.end(), {"--format", "json"});
    int exit_code = -1;
    const std::vector<std::string> lines = KillNodeOnceSeen(
        *y, args,
        [](const std::string& line) {
          return line.find("every node has its stacks; started") != std::string::npos;
        },
        &exit_code);
    EXPECT_EQ(exit_code, 3) << ::testing::PrintToString(lines);
    bool said_why = false;
    for (const std::string& l : lines) {
      said_why = said_why || (l.starts_with("cardflow-coordinator: ") &&
                              l.find("no live node is left") != std::string::npos);
      EXPECT_EQ(l.find("could not carry the runs after"), std::string::npos) << l;
      EXPECT_EQ(l.find("INCOMPLETE"), std::string::npos) << l;
      EXPECT_EQ(l.find("\"runs\""), std::string::npos) << l;
      EXPECT_EQ(l.find("completed run"), std::string::npos) << l;
    }
    EXPECT_TRUE(said_why) << ::testing::PrintToString(lines);
  }
}

TEST_F(RemoteCliTest, ANodeAnsweringUnderAnotherNameIsExit2NamingBoth) {
  // X's address given for Y and Y's for X: each node calls itself otherwise.
  const ProcessResult r = Coordinator({"run", ExampleDeck("transfer.deck"), "--runs", "5", "--node",
                                       "X=" + y_->address(), "--node", "Y=" + x_->address()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("the node at " + y_->address() +
                               " calls itself Y, not X: --node X=" + y_->address() +
                               " names another node"));
  EXPECT_THAT(r.err, HasSubstr("give --node Y=" + y_->address()));
}

// A TCP port of 127.0.0.1 that is bound, so no one else takes it, but never
// listened on: a connection to it is refused.
class RefusingPort {
 public:
  RefusingPort() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
  }
  ~RefusingPort() {
    if (fd_ >= 0) close(fd_);
  }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;

  int port() const { return port_; }  // 0 if it could not be bound

 private:
  const int fd_;
  int port_ = 0;
};

TEST(RemoteCliErrorsTest, ARefusedConnectionFailsFastSayingHowToStartTheNode) {
  const RefusingPort port;
  ASSERT_NE(port.port(), 0);
  const std::string address = "127.0.0.1:" + std::to_string(port.port());
  const auto start = std::chrono::steady_clock::now();
  // The default --connect-timeout is 5 s: a refused connection does not wait for it.
  const ProcessResult r = Coordinator(
      {"run", ExampleDeck("transfer.deck"), "--node", "X=" + address, "--node", "Y=" + address});
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("node X at " + address +
                               " is unreachable: nothing listens there (connection refused); "
                               "start one with `cardflow-node --name X --listen " +
                               address + "`"));
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST(RemoteCliErrorsTest, BadPlacementArgumentsAreExit2) {
  const std::string deck = ExampleDeck("transfer.deck");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run", deck, "--node", "nonsense"},
           {"run", deck, "--node", "X=127.0.0.1:1", "--loopback", "2"},
           {"run", deck, "--place", "A=X"},
           {"run", deck, "--loopback", "0"},
           {"run", deck, "--node", "X=127.0.0.1:1", "--node", "Y=127.0.0.1:1", "--place",
            "A=Nowhere"},
           {"demo", "--loopback", "1"}}) {
    const ProcessResult r = Coordinator(args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(args) << "\n" << r.err;
    EXPECT_FALSE(r.err.empty());
  }
}

TEST(RemoteCliErrorsTest, LoopbackRunsTheExamplesLikeLocal) {
  for (const char* deck : {"transfer.deck", "ring.deck", "fan_in.deck", "producer_consumer.deck"}) {
    std::vector<std::string> args = {"run", ExampleDeck(deck), "--runs", "50", "--format", "json"};
    const ProcessResult local = Coordinator(args);
    args.insert(args.end(), {"--loopback", "2"});
    const ProcessResult remote = Coordinator(args);
    EXPECT_EQ(remote.exit_code, local.exit_code) << deck << ": " << remote.err;
    EXPECT_EQ(WithoutPlacement(remote.out), WithoutPlacement(local.out)) << deck;
  }
}

}  // namespace
}  // namespace cardflow
