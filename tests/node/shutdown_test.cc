// Stopping a node with a run in flight: the run is cancelled on every node
// and the coordinator is told why, naming the node.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <optional>
#include <thread>

#include "coordinator/cluster/run_cluster.h"
#include "node/node_server.h"
#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

// A node that stops gives its runs up; the coordinator moves their stacks to
// the live nodes (recovery). With every node stopped, nothing is left to
// carry the run: exit 3, saying why.
TEST(NodeShutdownTest, StopCancelsARunInFlightAndTheCoordinatorHearsWhy) {
  // A parks on X waiting for B, which sleeps on Y for ten minutes.
  const std::string text =
      "stack A on X:\n    notify B\n    await B\nstack B on Y:\n    await A\n"
      "    sleep 600000\n    notify A\n";
  const Program program = testing::MustLoad(text);

  std::promise<void> sent;
  std::atomic<bool> once{false};
  NodeOptions x_options;
  x_options.name = "X";
  x_options.threads = 1;
  x_options.log_level = "off";
  x_options.drain_grace = std::chrono::milliseconds(0);
  x_options.on_event = [&](uint64_t, const Event& event) {
    if (event.kind == EventKind::kSend && !once.exchange(true)) sent.set_value();
  };
  NodeServer x(x_options);
  NodeOptions y_options;
  y_options.name = "Y";
  y_options.threads = 1;
  y_options.log_level = "off";
  y_options.drain_grace = std::chrono::milliseconds(0);
  NodeServer y(y_options);
  StatusOr<std::string> x_address = x.Start();
  StatusOr<std::string> y_address = y.Start();
  ASSERT_TRUE(x_address.ok() && y_address.ok());

  ClusterOptions options;
  options.nodes = {{"X", *x_address}, {"Y", *y_address}};
  std::optional<StatusOr<Report>> result;
  std::thread coordinator([&] { result = RunCluster(program, options); });
  sent.get_future().wait();  // A has run its first card: the run is in flight on X
  x.Stop();                  // A starts over on Y, where B still sleeps
  y.Stop();
  coordinator.join();

  ASSERT_TRUE(result.has_value());
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(ClusterExitCode(result->status()), 3);
  EXPECT_NE(result->status().message().find("is shutting down"), std::string::npos)
      << result->status().message();
  EXPECT_NE(result->status().message().find("no live node is left"), std::string::npos)
      << result->status().message();
  // Both nodes are named: the one lost first was only a warning until now.
  const std::string_view message = result->status().message();
  EXPECT_TRUE(message.find("(node X was lost earlier in this run)") != std::string::npos ||
              message.find("(node Y was lost earlier in this run)") != std::string::npos)
      << message;
  EXPECT_EQ(y.active_runs(), 0u);  // its ten-minute sleep is gone
}

}  // namespace
}  // namespace cardflow
