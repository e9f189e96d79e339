// ProxyFixture: a loopback echo server and a real cardflow-chaos process
// with one link, "echo", in front of it.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/chaos/chaos_process.h"
#include "tests/chaos/control_client.h"
#include "tests/chaos/echo_server.h"
#include "tests/chaos/test_socket.h"

namespace cardflow::chaos::testing {

class ProxyFixture : public ::testing::Test {
 protected:
  // Starts the proxy with `--seed seed`; fails the test if it does not come up.
  void StartProxy(uint64_t seed = 1) {
    std::string error;
    proxy_ = ChaosProcess::Start({"--link", "echo=127.0.0.1:0:" + echo_.address(), "--seed",
                                  std::to_string(seed), "--log-level", "debug"},
                                 &error);
    ASSERT_NE(proxy_, nullptr) << error;
    control_ = std::make_unique<ControlClient>(proxy_->control_host(), proxy_->control_port());
  }

  void SetUp() override { StartProxy(); }

  // A client connected through the proxy (fails the test if it cannot).
  std::unique_ptr<TestSocket> Connect() {
    std::string error;
    std::unique_ptr<TestSocket> socket = TestSocket::Connect(proxy_->link("echo"), &error);
    EXPECT_NE(socket, nullptr) << error;
    return socket;
  }

  // Adds a toxic to the echo link; expects 200.
  void AddToxic(const nlohmann::json& toxic) {
    const ControlClient::Reply reply = control_->Post("/proxies/echo/toxics", toxic);
    ASSERT_EQ(reply.status, 200) << reply.body.dump() << "\n" << proxy_->Log();
  }
  void RemoveToxic(const std::string& name) {
    ASSERT_EQ(control_->Delete("/proxies/echo/toxics/" + name).status, 204);
  }

  // POSTs to the control API as `curl -X POST HOST:PORT/PATH` does: no body
  // and no Content-Length. The answer's status line, or with `whole` all of
  // it ("" if no answer came).
  std::string PostAsCurl(const std::string& path, bool whole = false) {
    std::string error;
    std::unique_ptr<TestSocket> socket = TestSocket::Connect(
        proxy_->control_host() + ":" + std::to_string(proxy_->control_port()), &error);
    EXPECT_NE(socket, nullptr) << error;
    if (socket == nullptr) return "";
    EXPECT_TRUE(socket->Send("POST " + path +
                             " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/7.88.1\r\n"
                             "Accept: */*\r\nConnection: close\r\n\r\n"));
    const std::string reply = socket->ReadToEnd(std::chrono::seconds(10)).data;
    return whole ? reply : reply.substr(0, reply.find("\r\n"));
  }

  // Sends `message` and measures how long until it comes back whole.
  std::chrono::milliseconds RoundTrip(TestSocket& socket, const std::string& message) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(socket.Send(message));
    const TestSocket::ReadResult echo = socket.Read(message.size(), std::chrono::seconds(10));
    EXPECT_EQ(echo.data, message);
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  }

  EchoServer echo_;
  std::unique_ptr<ChaosProcess> proxy_;
  std::unique_ptr<ControlClient> control_;
};

}  // namespace cardflow::chaos::testing
