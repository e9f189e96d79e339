// cardflow-coordinator --metrics: the real program runs a deck, stays up with
// --metrics-linger once its report is out (so the scrape sees the final
// counts without any waiting), and /metrics matches the report — runs,
// failures, outcomes — and holds the RPC latency histograms of a cluster run:
// one Ping per node, one Run call per run and node, table service times; and
// on the nodes, the table round trips of their stacks and the callback batch
// acks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/child_process.h"
#include "tests/integration/node_process.h"
#include "tests/integration/prometheus_text.h"
#include "tests/test_paths.h"

namespace cardflow {
namespace {

using testing::ChildProcess;
using testing::MetricsAddressIn;
using testing::MetricValue;
using testing::NodeProcess;
using testing::ScrapeMetrics;

constexpr auto kTimeout = std::chrono::seconds(60);

std::string Coordinator() { return testing::BinDir() + "/cardflow-coordinator"; }
std::string Deck() { return testing::SourceDir() + "/examples/transfer.deck"; }

// Reads the program's stdout up to the line `last` matches (the end of its
// report); everything read, or empty when it ended first.
std::string ReadUntil(ChildProcess& child, const std::function<bool(const std::string&)>& last) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  for (std::string line; child.ReadLine(deadline, &line);) {
    out += line + "\n";
    if (last(line)) return out;
  }
  return "";
}

// A histogram's count, and that its +Inf bucket agrees with it.
double HistogramCount(const std::string& page, const std::string& name,
                      const std::map<std::string, std::string>& labels) {
  const std::optional<double> count = MetricValue(page, name + "_count", labels);
  std::map<std::string, std::string> inf = labels;
  inf["le"] = "+Inf";
  EXPECT_EQ(MetricValue(page, name + "_bucket", inf), count) << name;
  const std::optional<double> sum = MetricValue(page, name + "_sum", labels);
  if (count && *count > 0) {
    EXPECT_GT(sum.value_or(0), 0) << name;
  }
  return count.value_or(-1);
}

TEST(CoordinatorMetricsTest, LocalRunCountersMatchTheJsonReport) {
  auto coordinator = ChildProcess::Spawn(
      {Coordinator(), "run", Deck(), "--ordering", "none", "--runs", "300", "--format", "json",
       "--metrics", "127.0.0.1:0", "--metrics-linger", "--log-level", "info"});
  ASSERT_TRUE(coordinator);
  const std::string out = ReadUntil(*coordinator, [](const std::string& l) { return l == "}"; });
  ASSERT_FALSE(out.empty()) << coordinator->Log();
  const nlohmann::json report = nlohmann::json::parse(out);
  const std::string address = MetricsAddressIn(coordinator->Log());
  ASSERT_FALSE(address.empty()) << coordinator->Log();

  const std::string page = ScrapeMetrics(address);
  ASSERT_FALSE(page.empty());
  const std::map<std::string, std::string> run = {{"deck", Deck()}, {"ordering", "none"}};
  EXPECT_EQ(MetricValue(page, "cardflow_coordinator_runs_finished_total", run), 300) << page;
  EXPECT_EQ(MetricValue(page, "cardflow_coordinator_reports_total", run), 1);
  EXPECT_EQ(MetricValue(page, "cardflow_coordinator_expect_failures_total", run),
            report["expect_failures"].get<double>());
  EXPECT_EQ(MetricValue(page, "cardflow_coordinator_order_violations_total", run),
            report["order_violations"].get<double>());
  EXPECT_GT(report["order_violations"].get<double>(), 0);  // the naive deck does miss
  EXPECT_EQ(MetricValue(page, "cardflow_coordinator_run_errors_total", run), 0);
  EXPECT_EQ(MetricValue(page, "cardflow_coordinator_outcomes", run),
            static_cast<double>(report["outcomes"].size()));
  EXPECT_EQ(MetricValue(page, "cardflow_coordinator_cluster_faults_total"), 0);
  // No cluster, no RPCs.
  EXPECT_FALSE(MetricValue(page, "cardflow_coordinator_run_call_seconds_count"));

  coordinator->Signal(SIGTERM);
  EXPECT_EQ(coordinator->Wait(std::chrono::seconds(10)), 1);  // the report's exit status
}

TEST(CoordinatorMetricsTest, ClusterRunHasRpcLatencyHistograms) {
  std::string error;
  auto x = NodeProcess::Start("X", &error, {"--metrics", "127.0.0.1:0"});
  ASSERT_TRUE(x) << error;
  auto y = NodeProcess::Start("Y", &error, {"--metrics", "127.0.0.1:0"});
  ASSERT_TRUE(y) << error;
  const uint64_t runs = 25;
  auto coordinator =
      ChildProcess::Spawn({Coordinator(), "run", Deck(), "--node", "X=" + x->address(), "--node",
                           "Y=" + y->address(), "--runs", std::to_string(runs), "--metrics",
                           "127.0.0.1:0", "--metrics-linger", "--log-level", "info"});
  ASSERT_TRUE(coordinator);
  const std::string out = ReadUntil(*coordinator, [](const std::string& l) {
    return l.rfind("PASS:", 0) == 0 || l.rfind("FAIL:", 0) == 0;
  });
  ASSERT_THAT(out, ::testing::HasSubstr("PASS:")) << out << coordinator->Log();
  const std::string page = ScrapeMetrics(MetricsAddressIn(coordinator->Log()));
  ASSERT_FALSE(page.empty()) << coordinator->Log();

  const std::map<std::string, std::string> run = {{"deck", Deck()}, {"ordering", "callbacks"}};
  EXPECT_EQ(MetricValue(page, "cardflow_coordinator_runs_finished_total", run), runs) << page;
  EXPECT_EQ(MetricValue(page, "cardflow_coordinator_expect_failures_total", run), 0);
  EXPECT_EQ(MetricValue(page, "cardflow_coordinator_outcomes", run), 1);
  for (const char* node : {"X", "Y"}) {
    const std::map<std::string, std::string> at = {{"node", node}};
    // One Ping per node before the runs, one Run call per run and node.
    EXPECT_EQ(HistogramCount(page, "cardflow_coordinator_ping_seconds", at), 1) << node;
    EXPECT_EQ(HistogramCount(page, "cardflow_coordinator_run_call_seconds", at), runs) << node;
    // A and B each read and write the balance: at least one batch per run
    // from each node, at most two.
    const double served = HistogramCount(page, "cardflow_coordinator_table_service_seconds", at);
    EXPECT_GE(served, 1) << node;
    EXPECT_LE(served, 2.0 * runs) << node;
  }

  // The nodes: each stack's two table operations per run, timed before it
  // resumes (so all counted once the report is out).
  const std::string x_page = ScrapeMetrics(MetricsAddressIn(x->Log()));
  const std::string y_page = ScrapeMetrics(MetricsAddressIn(y->Log()));
  EXPECT_EQ(HistogramCount(x_page, "cardflow_node_table_round_trip_seconds", {{"node", "X"}}),
            2.0 * runs)
      << x_page;
  EXPECT_EQ(HistogramCount(y_page, "cardflow_node_table_round_trip_seconds", {{"node", "Y"}}),
            2.0 * runs)
      << y_page;
  // Y acknowledges X's callback batches. An ack is written after the
  // callbacks are delivered, which may be after the run's report: scrape
  // until the first one shows (each scrape is a real round trip, no sleep).
  double acked = 0;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       acked < 1 && std::chrono::steady_clock::now() < deadline;) {
    acked = HistogramCount(ScrapeMetrics(MetricsAddressIn(y->Log())),
                           "cardflow_node_callback_batch_ack_seconds", {{"node", "Y"}});
  }
  EXPECT_GE(acked, 1);
  EXPECT_LE(acked, static_cast<double>(runs));
  EXPECT_EQ(HistogramCount(x_page, "cardflow_node_callback_batch_ack_seconds", {{"node", "X"}}), 0);

  coordinator->Signal(SIGINT);
  EXPECT_EQ(coordinator->Wait(std::chrono::seconds(10)), 0) << coordinator->Log();
}

TEST(CoordinatorMetricsTest, LingerNeedsMetricsAndBadAddressIsExit2) {
  auto linger = ChildProcess::Spawn({Coordinator(), "run", Deck(), "--metrics-linger"});
  ASSERT_TRUE(linger);
  EXPECT_EQ(linger->Wait(std::chrono::seconds(20)), 2);
  EXPECT_THAT(linger->Log(), ::testing::HasSubstr("--metrics"));
  auto bad = ChildProcess::Spawn({Coordinator(), "run", Deck(), "--metrics", "nowhere"});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->Wait(std::chrono::seconds(20)), 2);
  EXPECT_THAT(bad->Log(), ::testing::HasSubstr("--metrics nowhere"));
}

}  // namespace
}  // namespace cardflow
