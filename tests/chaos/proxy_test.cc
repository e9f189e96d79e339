// End to end: the real cardflow-chaos process between a test client and a
// loopback echo server, faults set through its control API.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <random>
#include <thread>

#include "tests/chaos/proxy_fixture.h"

namespace cardflow::chaos::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

// Generous headroom for a loaded two-core machine: timing assertions check
// that a delay happened (lower bound, exact) and that it was not wildly off.
constexpr milliseconds kSlack{400};

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 random(seed);
  std::string data(size, '\0');
  for (char& c : data) c = static_cast<char>(random());
  return data;
}

milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

// Sends `data` from a second thread while this one reads the echo.
std::string EchoThrough(TestSocket& socket, const std::string& data,
                        seconds timeout = seconds(20)) {
  std::thread sender([&] { EXPECT_TRUE(socket.Send(data)); });
  TestSocket::ReadResult echo = socket.Read(data.size(), timeout);
  sender.join();
  return std::move(echo.data);
}

using ProxyTest = ProxyFixture;

TEST_F(ProxyTest, WithoutToxicsBytesRoundTripIntact) {
  std::unique_ptr<TestSocket> socket = Connect();
  const std::string big = RandomBytes(4 << 20, 1);
  EXPECT_TRUE(EchoThrough(*socket, big) == big);
  for (int i = 0; i < 50; ++i) {
    const std::string small = "message " + std::to_string(i);
    EXPECT_LT(RoundTrip(*socket, small), kSlack);
  }
}

TEST_F(ProxyTest, AHalfCloseIsPassedOnAfterTheData) {
  std::unique_ptr<TestSocket> socket = Connect();
  const std::string data = RandomBytes(300'000, 2);
  ASSERT_TRUE(socket->Send(data));
  socket->ShutdownSend();
  const TestSocket::ReadResult echo = socket->ReadToEnd(seconds(10));
  EXPECT_EQ(echo.end, TestSocket::End::kEof);
  EXPECT_TRUE(echo.data == data);
}

TEST_F(ProxyTest, LatencyDelaysTheRoundTripWithinTolerance) {
  AddToxic({{"type", "latency"}, {"stream", "upstream"}, {"attributes", {{"latency", 100}}}});
  std::unique_ptr<TestSocket> socket = Connect();
  for (int i = 0; i < 3; ++i) {
    const milliseconds rtt = RoundTrip(*socket, "ping " + std::to_string(i));
    EXPECT_GE(rtt, milliseconds(100));
    EXPECT_LT(rtt, milliseconds(100) + kSlack);
  }
}

TEST_F(ProxyTest, LatencyOnBothStreamsAdds) {
  AddToxic({{"type", "latency"}, {"stream", "upstream"}, {"attributes", {{"latency", 60}}}});
  AddToxic({{"type", "latency"}, {"stream", "downstream"}, {"attributes", {{"latency", 80}}}});
  std::unique_ptr<TestSocket> socket = Connect();
  const milliseconds rtt = RoundTrip(*socket, "there and back");
  EXPECT_GE(rtt, milliseconds(140));
  EXPECT_LT(rtt, milliseconds(140) + kSlack);
}

TEST_F(ProxyTest, ToxicChangesReachOpenConnections) {
  std::unique_ptr<TestSocket> socket = Connect();
  EXPECT_LT(RoundTrip(*socket, "fast"), kSlack);
  AddToxic({{"name", "lag"}, {"type", "latency"}, {"attributes", {{"latency", 300}}}});
  EXPECT_GE(RoundTrip(*socket, "slow"), milliseconds(300));
  const ControlClient::Reply updated =
      control_->Post("/proxies/echo/toxics/lag", {{"attributes", {{"latency", 120}}}});
  ASSERT_EQ(updated.status, 200) << updated.body.dump();
  const milliseconds rtt = RoundTrip(*socket, "less slow");
  EXPECT_GE(rtt, milliseconds(120));
  EXPECT_LT(rtt, milliseconds(300));
  RemoveToxic("lag");
  EXPECT_LT(RoundTrip(*socket, "fast again"), milliseconds(120));
}

TEST_F(ProxyTest, LatencyWithJitterKeepsByteOrder) {
  AddToxic({{"type", "latency"},
            {"stream", "upstream"},
            {"attributes", {{"latency", 30}, {"jitter", 29}}}});
  std::unique_ptr<TestSocket> socket = Connect();
  std::string sent;
  for (int i = 0; i < 300; ++i) {
    const std::string message = std::to_string(i) + ",";
    ASSERT_TRUE(socket->Send(message));  // one write each: many chunks, many draws
    sent += message;
  }
  EXPECT_EQ(socket->Read(sent.size(), seconds(10)).data, sent);
}

TEST_F(ProxyTest, ToxicityZeroNeverActs) {
  AddToxic({{"type", "latency"}, {"toxicity", 0.0}, {"attributes", {{"latency", 1000}}}});
  std::unique_ptr<TestSocket> socket = Connect();
  EXPECT_LT(RoundTrip(*socket, "unaffected"), milliseconds(1000));
}

class JitterTest : public ProxyFixture {
 protected:
  void SetUp() override {}  // each run starts its own proxy

  // The round trips of 8 messages on the first connection of a proxy
  // started with `seed`, under 100 ± 80 ms of upstream latency.
  std::vector<milliseconds> JitteredRoundTrips(uint64_t seed) {
    StartProxy(seed);
    AddToxic({{"type", "latency"},
              {"stream", "upstream"},
              {"attributes", {{"latency", 100}, {"jitter", 80}}}});
    std::unique_ptr<TestSocket> socket = Connect();
    std::vector<milliseconds> rtts;
    for (int i = 0; i < 8; ++i) rtts.push_back(RoundTrip(*socket, "j" + std::to_string(i)));
    return rtts;
  }
};

TEST_F(JitterTest, JitterIsReproducibleBySeed) {
  const std::vector<milliseconds> first = JitteredRoundTrips(7);
  const std::vector<milliseconds> again = JitteredRoundTrips(7);
  const std::vector<milliseconds> other = JitteredRoundTrips(8);
  milliseconds widest_other{0};
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_GE(first[i], milliseconds(20));
    EXPECT_LT(first[i], milliseconds(180) + kSlack);
    // The same seed draws the same delays: only scheduling noise differs.
    EXPECT_LT(std::chrono::abs(first[i] - again[i]), milliseconds(40))
        << "message " << i << ": " << first[i].count() << " ms vs " << again[i].count() << " ms";
    widest_other = std::max(widest_other, std::chrono::abs(first[i] - other[i]));
  }
  EXPECT_GT(widest_other, milliseconds(60)) << "seed 8 drew the delays of seed 7";
}

// As Toxiproxy: the clock starts at the first data on the toxic's stream
// (the echo's answer), not at accept, and that data never arrives.
TEST_F(ProxyTest, ResetPeerResetsTheTimeoutAfterTheFirstData) {
  AddToxic({{"type", "reset_peer"}, {"attributes", {{"timeout", 300}}}});
  std::unique_ptr<TestSocket> socket = Connect();
  EXPECT_TRUE(socket->SilentFor(milliseconds(500)));  // no data yet: no reset
  const Clock::time_point start = Clock::now();
  ASSERT_TRUE(socket->Send("answer me"));
  const TestSocket::ReadResult end = socket->ReadToEnd(seconds(5));
  EXPECT_EQ(end.end, TestSocket::End::kReset);
  EXPECT_EQ(end.data, "");
  EXPECT_GE(Since(start), milliseconds(300));
  EXPECT_LT(Since(start), milliseconds(300) + kSlack);
}

TEST_F(ProxyTest, ResetPeerWithoutATimeoutResetsAtOnce) {
  AddToxic({{"type", "reset_peer"}, {"stream", "upstream"}});
  std::unique_ptr<TestSocket> socket = Connect();
  const Clock::time_point start = Clock::now();
  ASSERT_TRUE(socket->Send("hello"));
  EXPECT_EQ(socket->ReadToEnd(seconds(5)).end, TestSocket::End::kReset);
  EXPECT_LT(Since(start), kSlack);
}

// Toxiproxy's timeout toxic closes its connections when it is removed.
TEST_F(ProxyTest, TimeoutBlackholesUntilRemovedThenTheConnectionCloses) {
  std::unique_ptr<TestSocket> socket = Connect();
  EXPECT_LT(RoundTrip(*socket, "before"), kSlack);
  AddToxic({{"name", "hole"}, {"type", "timeout"}, {"stream", "downstream"}});
  ASSERT_TRUE(socket->Send("into the hole"));
  // Nothing comes back, and the connection stays open (no EOF, no reset).
  EXPECT_TRUE(socket->SilentFor(milliseconds(500)));
  RemoveToxic("hole");
  const TestSocket::ReadResult end = socket->ReadToEnd(seconds(5));
  EXPECT_EQ(end.end, TestSocket::End::kEof);
  EXPECT_EQ(end.data, "");  // what went in meanwhile was dropped
  std::unique_ptr<TestSocket> again = Connect();
  EXPECT_LT(RoundTrip(*again, "after"), kSlack);
}

TEST_F(ProxyTest, ABlackholePassesTheHalfCloseOn) {
  std::unique_ptr<TestSocket> socket = Connect();
  EXPECT_LT(RoundTrip(*socket, "hello"), kSlack);
  AddToxic({{"name", "hole"}, {"type", "timeout"}, {"stream", "upstream"}});
  ASSERT_TRUE(socket->Send("lost"));
  socket->ShutdownSend();
  // The echo server answers the EOF with its own; the data was dropped.
  const TestSocket::ReadResult end = socket->ReadToEnd(seconds(5));
  EXPECT_EQ(end.end, TestSocket::End::kEof);
  EXPECT_EQ(end.data, "");
}

TEST_F(ProxyTest, LimitDataCutsTheStreamAtTheLimitAndCloses) {
  AddToxic({{"type", "limit_data"}, {"attributes", {{"bytes", 1000}}}});
  std::unique_ptr<TestSocket> socket = Connect();
  const std::string data = RandomBytes(3000, 9);
  ASSERT_TRUE(socket->Send(data));
  const TestSocket::ReadResult end = socket->ReadToEnd(seconds(5));
  EXPECT_EQ(end.end, TestSocket::End::kEof);
  EXPECT_TRUE(end.data == data.substr(0, 1000)) << end.data.size() << " bytes";
}

TEST_F(ProxyTest, SlowCloseDelaysTheEndButNotTheData) {
  AddToxic({{"type", "slow_close"}, {"attributes", {{"delay", 400}}}});
  std::unique_ptr<TestSocket> socket = Connect();
  EXPECT_LT(RoundTrip(*socket, "quick"), kSlack);
  const Clock::time_point start = Clock::now();
  socket->ShutdownSend();
  EXPECT_EQ(socket->ReadToEnd(seconds(5)).end, TestSocket::End::kEof);
  EXPECT_GE(Since(start), milliseconds(400));
  EXPECT_LT(Since(start), milliseconds(400) + kSlack);
}

TEST_F(ProxyTest, TimeoutWithADeadlineClosesTheConnection) {
  AddToxic({{"type", "timeout"}, {"attributes", {{"timeout", 250}}}});
  const Clock::time_point start = Clock::now();
  std::unique_ptr<TestSocket> socket = Connect();
  ASSERT_TRUE(socket->Send("unanswered"));
  const TestSocket::ReadResult end = socket->ReadToEnd(seconds(5));
  EXPECT_EQ(end.end, TestSocket::End::kEof);
  EXPECT_EQ(end.data, "");
  EXPECT_GE(Since(start), milliseconds(250));
  EXPECT_LT(Since(start), milliseconds(250) + kSlack);
}

TEST_F(ProxyTest, ADownLinkRefusesConnectionsAndClosesOpenOnes) {
  std::unique_ptr<TestSocket> open = Connect();
  EXPECT_LT(RoundTrip(*open, "up"), kSlack);
  const ControlClient::Reply down = control_->Post("/proxies/echo", {{"enabled", false}});
  ASSERT_EQ(down.status, 200) << down.body.dump();
  EXPECT_EQ(down.body["enabled"], false);
  EXPECT_EQ(open->ReadToEnd(seconds(5)).end, TestSocket::End::kEof);
  std::string error;
  EXPECT_EQ(TestSocket::Connect(proxy_->link("echo"), &error), nullptr);
  EXPECT_EQ(error, "Connection refused");

  ASSERT_EQ(control_->Post("/proxies/echo", {{"enabled", true}}).status, 200);
  std::unique_ptr<TestSocket> again = Connect();
  ASSERT_NE(again, nullptr);
  EXPECT_LT(RoundTrip(*again, "up again"), kSlack);
}

TEST_F(ProxyTest, BandwidthLimitsThroughput) {
  AddToxic({{"type", "bandwidth"}, {"stream", "downstream"}, {"attributes", {{"rate", 200}}}});
  std::unique_ptr<TestSocket> socket = Connect();
  const std::string data = RandomBytes(100'000, 3);  // 0.5 s at 200 KB/s
  const Clock::time_point start = Clock::now();
  EXPECT_TRUE(EchoThrough(*socket, data) == data);
  EXPECT_GE(Since(start), milliseconds(450));
  EXPECT_LT(Since(start), milliseconds(500) + 2 * kSlack);
}

TEST_F(ProxyTest, SlicerDeliversEveryByteInOrder) {
  AddToxic({{"type", "slicer"},
            {"stream", "upstream"},
            {"attributes", {{"average_size", 64}, {"size_variation", 60}, {"delay", 100}}}});
  AddToxic({{"type", "slicer"},
            {"stream", "downstream"},
            {"attributes", {{"average_size", 500}, {"size_variation", 499}, {"delay", 10}}}});
  std::unique_ptr<TestSocket> socket = Connect();
  const std::string data = RandomBytes(200'000, 4);
  EXPECT_TRUE(EchoThrough(*socket, data) == data);
}

TEST_F(ProxyTest, ToxicsComingAndGoingMidStreamKeepEveryByteInOrder) {
  // Each change moves the stream between the splice path (no toxic) and the
  // user-space path (a toxic acts): the order must survive every switch.
  std::unique_ptr<TestSocket> socket = Connect();
  const std::string data = RandomBytes(32 << 20, 5);
  std::string echoed;
  std::thread echo([&] { echoed = EchoThrough(*socket, data, seconds(60)); });
  for (int i = 0; i < 10; ++i) {
    AddToxic({{"name", "lag"}, {"type", "latency"}, {"stream", "upstream"}});
    AddToxic({{"name", "slices"},
              {"type", "slicer"},
              {"stream", "downstream"},
              {"attributes", {{"average_size", 4096}, {"size_variation", 2048}}}});
    RemoveToxic("lag");
    RemoveToxic("slices");
  }
  echo.join();
  EXPECT_TRUE(echoed == data) << echoed.size() << " of " << data.size() << " bytes came back";
}

TEST(ProxyProcessTest, AnUnreachableUpstreamResetsTheClient) {
  // A bound socket that does not listen: connecting to it is refused.
  const int unused = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ASSERT_EQ(bind(unused, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(getsockname(unused, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string upstream = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  std::string error;
  std::unique_ptr<ChaosProcess> proxy =
      ChaosProcess::Start({"--link", "nowhere=127.0.0.1:0:" + upstream}, &error);
  ASSERT_NE(proxy, nullptr) << error;
  std::unique_ptr<TestSocket> client = TestSocket::Connect(proxy->link("nowhere"), &error);
  ASSERT_NE(client, nullptr) << error;
  EXPECT_EQ(client->ReadToEnd(seconds(5)).end, TestSocket::End::kReset);
  close(unused);
}

TEST(ProxyProcessTest, ServesSeveralLinksWithTheirOwnToxics) {
  EchoServer echo;
  std::string error;
  std::unique_ptr<ChaosProcess> proxy = ChaosProcess::Start(
      {"--link", "a=127.0.0.1:0:" + echo.address(), "--link", "b=127.0.0.1:0:" + echo.address()},
      &error);
  ASSERT_NE(proxy, nullptr) << error;
  ASSERT_NE(proxy->link("a"), "");
  ASSERT_NE(proxy->link("b"), "");
  ControlClient control(proxy->control_host(), proxy->control_port());
  ASSERT_EQ(
      control.Post("/proxies/a/toxics", {{"type", "latency"}, {"attributes", {{"latency", 500}}}})
          .status,
      200);
  std::unique_ptr<TestSocket> a = TestSocket::Connect(proxy->link("a"), &error);
  std::unique_ptr<TestSocket> b = TestSocket::Connect(proxy->link("b"), &error);
  ASSERT_TRUE(a && b) << error;
  const Clock::time_point start = Clock::now();
  ASSERT_TRUE(b->Send("b"));
  EXPECT_EQ(b->Read(1, seconds(5)).data, "b");
  EXPECT_LT(Since(start), milliseconds(500));
  ASSERT_TRUE(a->Send("a"));
  EXPECT_EQ(a->Read(1, seconds(5)).data, "a");
  EXPECT_GE(Since(start), milliseconds(500));
}

TEST(ProxyProcessTest, ToxicFlagsActFromTheFirstConnection) {
  EchoServer echo;
  std::string error;
  std::unique_ptr<ChaosProcess> proxy = ChaosProcess::Start(
      {"--link", "a=127.0.0.1:0:" + echo.address(), "--link", "b=127.0.0.1:0:" + echo.address(),
       "--toxic", R"(a={"name":"lag","type":"latency","attributes":{"latency":500}})"},
      &error);
  ASSERT_NE(proxy, nullptr) << error;
  ControlClient control(proxy->control_host(), proxy->control_port());
  const ControlClient::Reply toxics = control.Get("/proxies/a/toxics");
  ASSERT_EQ(toxics.status, 200);
  ASSERT_EQ(toxics.body.size(), 1u) << toxics.body.dump();
  EXPECT_EQ(toxics.body[0]["name"], "lag");
  EXPECT_EQ(control.Get("/proxies/b/toxics").body, json::array());
  std::unique_ptr<TestSocket> a = TestSocket::Connect(proxy->link("a"), &error);
  ASSERT_NE(a, nullptr) << error;
  const Clock::time_point start = Clock::now();
  ASSERT_TRUE(a->Send("a"));
  EXPECT_EQ(a->Read(1, seconds(5)).data, "a");
  EXPECT_GE(Since(start), milliseconds(500));
}

TEST(ProxyProcessTest, ConfigCreatesItsProxiesAtStart) {
  EchoServer echo;
  const std::string path = ::testing::TempDir() + "/chaos_config_" + std::to_string(getpid());
  {
    std::ofstream file(path);
    file << json::array(
                {{{"name", "from_file"}, {"listen", "127.0.0.1:0"}, {"upstream", echo.address()}},
                 {{"name", "dormant"},
                  {"listen", "127.0.0.1:0"},
                  {"upstream", echo.address()},
                  {"enabled", false}}})
                .dump();
  }
  std::string error;
  std::unique_ptr<ChaosProcess> proxy = ChaosProcess::Start(
      {"--config", path, "--toxic", R"(from_file={"type":"latency","attributes":{"latency":300}})"},
      &error);
  std::remove(path.c_str());
  ASSERT_NE(proxy, nullptr) << error;
  ASSERT_NE(proxy->link("from_file"), "");
  EXPECT_EQ(proxy->link("dormant"), "");  // not listening: no line
  ControlClient control(proxy->control_host(), proxy->control_port());
  EXPECT_EQ(control.Get("/proxies/dormant").body["enabled"], false);
  std::unique_ptr<TestSocket> socket = TestSocket::Connect(proxy->link("from_file"), &error);
  ASSERT_NE(socket, nullptr) << error;
  const Clock::time_point start = Clock::now();
  ASSERT_TRUE(socket->Send("x"));
  EXPECT_EQ(socket->Read(1, seconds(5)).data, "x");
  EXPECT_GE(Since(start), milliseconds(300));
}

// toxiproxy-server's -host and -port set the API's address.
TEST(ProxyProcessTest, HostAndPortSetTheApiAddressAsToxiproxyServerDoes) {
  std::string error;
  std::unique_ptr<ChaosProcess> proxy = ChaosProcess::Start(
      {"--control", "127.0.0.1:8474", "--host", "127.0.0.2", "--port", "0"}, &error);
  ASSERT_NE(proxy, nullptr) << error;
  EXPECT_EQ(proxy->control_host(), "127.0.0.2");
  EXPECT_NE(proxy->control_port(), 8474);
  ControlClient control(proxy->control_host(), proxy->control_port());
  EXPECT_EQ(control.Get("/proxies").body, json::object());
}

TEST(ProxyProcessTest, ExitsCleanlyOnSigterm) {
  EchoServer echo;
  std::string error;
  std::unique_ptr<ChaosProcess> proxy =
      ChaosProcess::Start({"--link", "a=127.0.0.1:0:" + echo.address()}, &error);
  ASSERT_NE(proxy, nullptr) << error;
  std::unique_ptr<TestSocket> open = TestSocket::Connect(proxy->link("a"), &error);
  ASSERT_NE(open, nullptr) << error;
  proxy->Signal(SIGTERM);
  EXPECT_EQ(proxy->Wait(seconds(10)), 0) << proxy->Log();
}

TEST(ProxyProcessTest, BadArgumentsExitWithTwoAndSayWhy) {
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const Case cases[] = {
      {{"--config", "/nonexistent/proxies.json"}, "cannot read it"},
      {{"--link", "nonsense"}, "--link 'nonsense': no '='"},
      {{"--link", "a=127.0.0.1:0:127.0.0.1:1", "--link", "a=127.0.0.1:0:127.0.0.1:2"},
       "proxy already exists"},
      {{"--link", "a=127.0.0.1:0:127.0.0.1:1", "--control", "nowhere"}, "--control 'nowhere'"},
      {{"--link", "a=127.0.0.1:0:127.0.0.1:1", "--toxic", "a=slow"}, "the toxic is not JSON"},
      {{"--link", "a=127.0.0.1:0:127.0.0.1:1", "--toxic", R"(b={"type":"latency"})"},
       "there is no --link or --config proxy named b"},
      {{"--link", "a=127.0.0.1:0:127.0.0.1:1", "--toxic", R"(a={"type":"latency"})", "--toxic",
        R"(a={"type":"latency"})"},
       "latency_downstream"},
  };
  for (const Case& c : cases) {
    std::string log;
    EXPECT_EQ(ChaosProcess::RunToExit(c.args, &log), 2) << log;
    EXPECT_NE(log.find(c.says), std::string::npos) << log;
  }
}

}  // namespace
}  // namespace cardflow::chaos::testing
