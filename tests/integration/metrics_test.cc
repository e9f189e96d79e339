// cardflow-node --metrics: /metrics scraped after a cluster run, and the
// counters match the run — transfer.deck with A on X and B on Y, so X runs
// A's cards and sends the callbacks, and Y receives them and runs B's.
#include <gtest/gtest.h>
#include <httplib.h>

#include <regex>
#include <sstream>
#include <string>

#include "coordinator/cluster/run_cluster.h"
#include "tests/integration/node_process.h"
#include "tests/integration/prometheus_text.h"
#include "tests/local/deck_fixture.h"
#include "tests/node/cluster_decks.h"

namespace cardflow {
namespace {

using testing::NodeProcess;

// The node's metrics address, from its "metrics on http://HOST:PORT/metrics" log line.
std::string MetricsAddress(const NodeProcess& node) {
  std::smatch match;
  const std::string log = node.Log();
  static const std::regex kLine(R"(metrics on http://([0-9.]+):([0-9]+)/metrics)");
  return std::regex_search(log, match, kLine) ? match[1].str() + ":" + match[2].str() : "";
}

// The value of the series `name{node="NODE"}` in a /metrics page; -1 if absent.
double Value(const std::string& page, const std::string& name, const std::string& node) {
  std::istringstream lines(page);
  std::string line;
  const std::string series = name + "{node=\"" + node + "\"}";
  while (std::getline(lines, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

TEST(MetricsTest, CountersMatchTheRun) {
  std::string error;
  auto x = NodeProcess::Start("X", &error, {"--metrics", "127.0.0.1:0"});
  ASSERT_TRUE(x) << error;
  auto y = NodeProcess::Start("Y", &error, {"--metrics", "127.0.0.1:0"});
  ASSERT_TRUE(y) << error;
  const std::string x_metrics = MetricsAddress(*x);
  const std::string y_metrics = MetricsAddress(*y);
  ASSERT_FALSE(x_metrics.empty()) << x->Log();
  ASSERT_FALSE(y_metrics.empty()) << y->Log();

  const uint64_t runs = 20;
  const Program program = testing::MustLoad(testing::kTransferDeck);
  ClusterOptions options;
  options.nodes = {{"X", x->address()}, {"Y", y->address()}};
  options.runs = runs;
  StatusOr<Report> report = RunCluster(program, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(ReportExitCode(*report), 0);

  const double a_cards = static_cast<double>(program.Code(0).size());
  const double b_cards = static_cast<double>(program.Code(1).size());
  const std::string x_page = testing::ScrapeMetrics(x_metrics);
  const std::string y_page = testing::ScrapeMetrics(y_metrics);
  ASSERT_FALSE(x_page.empty());
  ASSERT_FALSE(y_page.empty());
  EXPECT_EQ(Value(x_page, "cardflow_node_runs_finished_total", "X"), runs) << x_page;
  EXPECT_EQ(Value(x_page, "cardflow_node_cards_run_total", "X"), a_cards * runs) << x_page;
  EXPECT_EQ(Value(x_page, "cardflow_node_callbacks_sent_total", "X"), runs) << x_page;
  EXPECT_EQ(Value(x_page, "cardflow_node_callbacks_received_total", "X"), 0) << x_page;
  EXPECT_EQ(Value(y_page, "cardflow_node_runs_finished_total", "Y"), runs) << y_page;
  EXPECT_EQ(Value(y_page, "cardflow_node_cards_run_total", "Y"), b_cards * runs) << y_page;
  EXPECT_EQ(Value(y_page, "cardflow_node_callbacks_sent_total", "Y"), 0) << y_page;
  EXPECT_EQ(Value(y_page, "cardflow_node_callbacks_received_total", "Y"), runs) << y_page;
}

}  // namespace
}  // namespace cardflow
