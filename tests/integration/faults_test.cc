// Injected faults (issue 4): two real nodes whose every link goes through a
// real cardflow-chaos — each node advertises a proxy link, so the other
// node's callbacks reach it through the proxy — with 50 ± 30 ms of latency
// on the way to X and periodic connection resets on the way to Y. Ordering
// must hold regardless: one outcome, no order violation.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "coordinator/cluster/run_cluster.h"
#include "tests/chaos/chaos_process.h"
#include "tests/integration/node_process.h"
#include "tests/litmus_decks.h"
#include "tests/local/deck_fixture.h"
#include "tests/node/cluster_decks.h"

namespace cardflow {
namespace {

using chaos::testing::ChaosProcess;
using testing::MustLoad;
using testing::NodeProcess;

// A port nothing listens on right now (the proxy's links must be known
// before the nodes start, to be advertised).
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

class FaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string to_x = "127.0.0.1:" + std::to_string(FreePort());
    const std::string to_y = "127.0.0.1:" + std::to_string(FreePort());
    std::string error;
    x_ = NodeProcess::Start("X", &error, {"--advertise", to_x});
    ASSERT_TRUE(x_) << error;
    y_ = NodeProcess::Start("Y", &error, {"--advertise", to_y});
    ASSERT_TRUE(y_) << error;
    chaos_ = ChaosProcess::Start(
        {"--link", "to_x=" + to_x + ":" + x_->address(),  //
         "--link", "to_y=" + to_y + ":" + y_->address(),  //
         "--seed", "4", "--toxic",
         R"(to_x={"type":"latency","stream":"upstream","attributes":{"latency":50,"jitter":30}})",
         "--toxic",
         R"(to_x={"type":"latency","stream":"downstream","attributes":{"latency":50,"jitter":30}})",
         "--toxic", R"(to_y={"type":"reset_peer","toxicity":0.5,"attributes":{"timeout":300}})"},
        &error);
    ASSERT_TRUE(chaos_) << error;
    ASSERT_EQ(chaos_->link("to_x"), to_x);
    ASSERT_EQ(chaos_->link("to_y"), to_y);
  }

  StatusOr<Report> Run(const std::string& deck, std::vector<NodeAddress> nodes,
                       std::vector<std::pair<std::string, std::string>> place, uint64_t runs) {
    ClusterOptions options;
    options.nodes = std::move(nodes);
    options.place = std::move(place);
    options.ordering = Ordering::kCallbacks;
    options.runs = runs;
    return RunCluster(MustLoad(deck, Ordering::kCallbacks), options);
  }

  std::string Logs() const {
    return "\nX:\n" + x_->Log() + "\nY:\n" + y_->Log() + "\nchaos:\n" + chaos_->Log();
  }

  std::unique_ptr<NodeProcess> x_;
  std::unique_ptr<NodeProcess> y_;
  std::unique_ptr<ChaosProcess> chaos_;
};

// Every hop of the ring crosses between X and Y: through the latency on its
// way to X, through the resets on its way to Y.
TEST_F(FaultsTest, RingOfFourAcrossTwoNodesGivesOneOutcomeIn200Runs) {
  const std::string deck = testing::ReadFile(testing::SourcePath("examples/ring.deck"));
  StatusOr<Report> report = Run(deck, {{"X", x_->address()}, {"Y", y_->address()}},
                                {{"A", "X"}, {"B", "Y"}, {"C", "X"}, {"D", "Y"}}, 200);
  ASSERT_TRUE(report.ok()) << report.status().ToString() << Logs();
  EXPECT_EQ(testing::CompletedRuns(*report), 200u);
  ASSERT_EQ(report->outcomes.size(), 1u) << ReportToJson(*report);
  EXPECT_EQ(report->outcomes[0].values[0], 10);
  EXPECT_EQ(report->order_violations, 0u);
  EXPECT_EQ(report->expect_failures, 0u);
  // The resets did happen: the proxy reset connections on the way to Y.
  EXPECT_NE(chaos_->Log().find("reset"), std::string::npos) << chaos_->Log();
}

// The coordinator's own links go through the proxy too: the table's reads
// and writes see the latency, and the Run streams to Y are reset — Y's
// stacks then start over on X and Y rejoins later runs. Store buffering must
// still never give (0, 0).
TEST_F(FaultsTest, StoreBufferingThroughTheProxyNeverGivesZeroZero) {
  StatusOr<Report> report =
      Run(testing::kStoreBufferingDeck, {{"X", chaos_->link("to_x")}, {"Y", chaos_->link("to_y")}},
          {{"A", "X"}, {"B", "Y"}}, 200);
  ASSERT_TRUE(report.ok()) << report.status().ToString() << Logs();
  EXPECT_EQ(testing::CompletedRuns(*report), 200u);
  for (const auto& values : testing::OutcomeSet(*report)) {
    EXPECT_NE(values, (std::vector<int64_t>{0, 0})) << ReportToJson(*report);
  }
  EXPECT_EQ(report->order_violations, 0u);
}

}  // namespace
}  // namespace cardflow
