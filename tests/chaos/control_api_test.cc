// The control API over HTTP, against the real process: what it lists, how a
// toxic round-trips, and what bad requests are told.
#include <gtest/gtest.h>

#include "tests/chaos/proxy_fixture.h"

namespace cardflow::chaos::testing {
namespace {

using nlohmann::json;

using ControlApiTest = ProxyFixture;

TEST_F(ControlApiTest, ListsTheProxiesWithTheirAddresses) {
  const ControlClient::Reply links = control_->Get("/proxies");
  ASSERT_EQ(links.status, 200);
  ASSERT_TRUE(links.body.contains("echo")) << links.body.dump();
  const json& echo = links.body["echo"];
  EXPECT_EQ(echo["name"], "echo");
  EXPECT_EQ(echo["listen"], proxy_->link("echo"));
  EXPECT_EQ(echo["upstream"], echo_.address());
  EXPECT_EQ(echo["enabled"], true);
  EXPECT_EQ(echo["toxics"], json::array());
  EXPECT_EQ(control_->Get("/proxies/echo").body, echo);
}

TEST_F(ControlApiTest, CountsOpenConnections) {
  std::unique_ptr<TestSocket> socket = Connect();
  RoundTrip(*socket, "accepted by now");
  EXPECT_EQ(control_->Get("/proxies/echo").body["connections"], 1);
}

TEST_F(ControlApiTest, AToxicRoundTripsThroughAddListUpdateAndDelete) {
  const json toxic = {{"name", "lag"},
                      {"type", "latency"},
                      {"stream", "upstream"},
                      {"toxicity", 1.0},
                      {"attributes", {{"latency", 50}, {"jitter", 5}}}};
  const ControlClient::Reply added = control_->Post("/proxies/echo/toxics", toxic);
  ASSERT_EQ(added.status, 200) << added.body.dump();
  EXPECT_EQ(added.body, toxic);
  EXPECT_EQ(control_->Get("/proxies/echo/toxics").body, json::array({toxic}));
  EXPECT_EQ(control_->Get("/proxies/echo").body["toxics"], json::array({toxic}));
  EXPECT_EQ(control_->Get("/proxies/echo/toxics/lag").body, toxic);

  const ControlClient::Reply updated = control_->Patch(
      "/proxies/echo/toxics/lag", {{"toxicity", 0.5}, {"attributes", {{"jitter", 0}}}});
  ASSERT_EQ(updated.status, 200) << updated.body.dump();
  json want = toxic;
  want["toxicity"] = 0.5;
  want["attributes"]["jitter"] = 0;
  EXPECT_EQ(updated.body, want);
  EXPECT_EQ(control_->Get("/proxies/echo/toxics/lag").body, want);

  const ControlClient::Reply deleted = control_->Delete("/proxies/echo/toxics/lag");
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(control_->Get("/proxies/echo/toxics/lag").status, 404);
  EXPECT_EQ(control_->Get("/proxies/echo/toxics").body, json::array());
}

TEST_F(ControlApiTest, ToxicsKeepTheOrderTheyWereAddedIn) {
  for (const char* name : {"c", "a", "b"}) AddToxic({{"name", name}, {"type", "latency"}});
  const json toxics = control_->Get("/proxies/echo/toxics").body;
  ASSERT_EQ(toxics.size(), 3u);
  EXPECT_EQ(toxics[0]["name"], "c");
  EXPECT_EQ(toxics[1]["name"], "a");
  EXPECT_EQ(toxics[2]["name"], "b");
}

TEST_F(ControlApiTest, BadRequestsGet400WithAMessage) {
  AddToxic({{"name", "lag"}, {"type", "latency"}});
  struct Case {
    const char* path;
    const char* body;
    const char* says;
  };
  const Case cases[] = {
      {"/proxies/echo/toxics", "{not json", "not valid JSON"},
      {"/proxies/echo/toxics", "", "not valid JSON"},
      {"/proxies/echo/toxics", R"({"type": "earthquake"})", "invalid toxic type"},
      {"/proxies/echo/toxics", R"({"type": "latency", "stream": "sideways"})",
       "stream was invalid"},
      {"/proxies/echo/toxics", R"({"type": "latency", "toxicity": 2})", "toxicity"},
      {"/proxies/echo/toxics", R"({"type": "latency", "attributes": {"latency": "5"}})",
       "must be an integer"},
      {"/proxies/echo/toxics", R"({"type": "slicer", "attributes": {"average_size": 0}})",
       "'average_size'"},
      {"/proxies/echo", R"({"enabled": "no"})", "enabled"},
      {"/proxies/echo", R"({"upstream": "nowhere"})", "upstream"},
      {"/proxies", R"({"listen": "127.0.0.1:0", "upstream": "127.0.0.1:1"})",
       "missing required field: name"},
      {"/proxies", R"({"name": "x", "listen": "127.0.0.1:0"})", "missing required field: upstream"},
      {"/populate", R"({"name": "x"})", "JSON array"},
      {"/populate", R"([{"name": "x", "upstream": "127.0.0.1:1"}, {"name": "y"}])",
       "missing required field: upstream at proxy 2"},
      {"/proxies/echo/toxics/lag", R"({"attributes": {"latency": -5}})", "'latency'"},
  };
  for (const Case& c : cases) {
    const ControlClient::Reply reply = control_->PostText(c.path, c.body);
    EXPECT_EQ(reply.status, 400) << c.path << " " << c.body;
    ASSERT_TRUE(reply.body.is_object() && reply.body.contains("error")) << reply.body.dump();
    EXPECT_EQ(reply.body["status"], 400) << reply.body.dump();
    EXPECT_NE(reply.body["error"].get<std::string>().find(c.says), std::string::npos)
        << c.body << ": " << reply.body.dump();
  }
  // None of that changed anything.
  EXPECT_EQ(control_->Get("/proxies/echo/toxics").body.size(), 1u);
  EXPECT_EQ(control_->Get("/proxies/echo").body["enabled"], true);
  EXPECT_EQ(control_->Get("/proxies").body.size(), 1u);
}

TEST_F(ControlApiTest, UnknownProxiesToxicsAndRoutesGet404) {
  const ControlClient::Reply replies[] = {
      control_->Get("/proxies/nope"),
      control_->Post("/proxies/nope", {{"enabled", false}}),
      control_->Post("/proxies/nope/toxics", {{"type", "latency"}}),
      control_->Get("/proxies/echo/toxics/nope"),
      control_->Post("/proxies/echo/toxics/nope", {{"toxicity", 1}}),
      control_->Delete("/proxies/echo/toxics/nope"),
      control_->Delete("/proxies/nope"),
      control_->Get("/no/such/route"),
      control_->Get("/links"),
  };
  for (const ControlClient::Reply& reply : replies) {
    EXPECT_EQ(reply.status, 404) << reply.body.dump();
    EXPECT_TRUE(reply.body.contains("error")) << reply.body.dump();
    EXPECT_EQ(reply.body["status"], 404) << reply.body.dump();
  }
  const ControlClient::Reply wrong_method = control_->Delete("/proxies");
  EXPECT_EQ(wrong_method.status, 405) << wrong_method.body.dump();
  EXPECT_EQ(wrong_method.body["status"], 405);
}

TEST_F(ControlApiTest, ADuplicateToxicNameGets409) {
  AddToxic({{"name", "twice"}, {"type", "latency"}});
  const ControlClient::Reply again =
      control_->Post("/proxies/echo/toxics", {{"name", "twice"}, {"type", "timeout"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_TRUE(again.body.contains("error"));
}

TEST_F(ControlApiTest, ResetWithNoBodyAtAllWorksAsCurlSendsIt) {
  AddToxic({{"type", "latency"}});
  ASSERT_EQ(control_->Patch("/proxies/echo", {{"enabled", false}}).status, 200);
  EXPECT_EQ(PostAsCurl("/reset"), "HTTP/1.1 204 No Content");
  const json echo = control_->Get("/proxies/echo").body;
  EXPECT_EQ(echo["enabled"], true);
  EXPECT_EQ(echo["toxics"], json::array());
}

TEST_F(ControlApiTest, APostThatNeedsABodyAndHasNoneSaysSo) {
  const std::string reply = PostAsCurl("/proxies", /*whole=*/true);
  EXPECT_EQ(reply.substr(0, reply.find('\r')), "HTTP/1.1 400 Bad Request");
  EXPECT_NE(reply.find("bad request body: cannot read the body (no Content-Length?) of POST "
                       "/proxies"),
            std::string::npos)
      << reply;
}

TEST_F(ControlApiTest, ResetRemovesEveryToxicAndEnablesEveryProxy) {
  AddToxic({{"type", "latency"}});
  ASSERT_EQ(control_->Patch("/proxies/echo", {{"enabled", false}}).status, 200);
  EXPECT_EQ(control_->Post("/reset", json::object()).status, 204);
  const json echo = control_->Get("/proxies/echo").body;
  EXPECT_EQ(echo["enabled"], true);
  EXPECT_EQ(echo["toxics"], json::array());
  std::unique_ptr<TestSocket> socket = Connect();
  RoundTrip(*socket, "works");
}

TEST_F(ControlApiTest, CreatesUpdatesAndDeletesProxiesAtRunTime) {
  const json wanted = {{"name", "second"},
                       {"listen", "127.0.0.1:0"},
                       {"upstream", echo_.address()},
                       {"colour", "ignored"}};
  const ControlClient::Reply created = control_->Post("/proxies", wanted);
  ASSERT_EQ(created.status, 201) << created.body.dump();
  EXPECT_EQ(created.body["name"], "second");
  EXPECT_EQ(created.body["enabled"], true);
  EXPECT_EQ(created.body["toxics"], json::array());
  const std::string listen = created.body["listen"];
  EXPECT_NE(listen, "127.0.0.1:0");  // the port it picked
  EXPECT_EQ(control_->Post("/proxies", wanted).status, 409);

  std::string error;
  std::unique_ptr<TestSocket> socket = TestSocket::Connect(listen, &error);
  ASSERT_NE(socket, nullptr) << error;
  RoundTrip(*socket, "through the new proxy");

  // Posting back what was read changes nothing: the connection lives on.
  const ControlClient::Reply same = control_->Patch("/proxies/second", created.body);
  ASSERT_EQ(same.status, 200) << same.body.dump();
  EXPECT_EQ(same.body["listen"], listen);
  RoundTrip(*socket, "still open");

  // Another upstream restarts it, as Toxiproxy does: open connections close.
  const ControlClient::Reply moved =
      control_->Post("/proxies/second", {{"upstream", "127.0.0.1:1"}});
  ASSERT_EQ(moved.status, 200) << moved.body.dump();
  EXPECT_EQ(moved.body["upstream"], "127.0.0.1:1");
  EXPECT_EQ(moved.body["enabled"], true);
  EXPECT_EQ(socket->ReadToEnd(std::chrono::seconds(5)).end, TestSocket::End::kEof);

  EXPECT_EQ(control_->Delete("/proxies/second").status, 204);
  EXPECT_EQ(control_->Get("/proxies/second").status, 404);
  EXPECT_EQ(TestSocket::Connect(listen, &error), nullptr);
  EXPECT_EQ(error, "Connection refused");
}

TEST_F(ControlApiTest, PopulateKeepsSameProxiesReplacesChangedOnesAndAddsNewOnes) {
  AddToxic({{"name", "kept"}, {"type", "latency"}});
  const json echo = control_->Get("/proxies/echo").body;
  const json body =
      json::array({{{"name", "echo"}, {"listen", echo["listen"]}, {"upstream", echo["upstream"]}},
                   {{"name", "off"},
                    {"listen", "127.0.0.1:0"},
                    {"upstream", "127.0.0.1:1"},
                    {"enabled", false}}});
  const ControlClient::Reply populated = control_->Post("/populate", body);
  ASSERT_EQ(populated.status, 201) << populated.body.dump();
  ASSERT_EQ(populated.body["proxies"].size(), 2u);
  EXPECT_EQ(populated.body["proxies"][0]["toxics"].size(), 1u);  // untouched
  EXPECT_EQ(populated.body["proxies"][1]["enabled"], false);

  const json changed =
      json::array({{{"name", "echo"}, {"listen", "127.0.0.1:0"}, {"upstream", echo["upstream"]}}});
  const ControlClient::Reply replaced = control_->Post("/populate", changed);
  ASSERT_EQ(replaced.status, 201) << replaced.body.dump();
  EXPECT_EQ(replaced.body["proxies"][0]["toxics"], json::array());  // a new proxy
  EXPECT_NE(replaced.body["proxies"][0]["listen"], echo["listen"]);
}

TEST_F(ControlApiTest, AnswersVersionAndRefusesBrowsers) {
  const ControlClient::Reply version = control_->Get("/version");
  ASSERT_EQ(version.status, 200);
  EXPECT_TRUE(version.body["version"].is_string()) << version.body.dump();
  const ControlClient::Reply browser = control_->GetWith(
      "/proxies", {{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"}});
  EXPECT_EQ(browser.status, 403);
  EXPECT_EQ(browser.body["status"], 403);
}

TEST_F(ControlApiTest, ToxicsAreListedUpstreamFirst) {
  AddToxic({{"name", "down"}, {"type", "latency"}});
  AddToxic({{"name", "up"}, {"type", "latency"}, {"stream", "upstream"}});
  const json toxics = control_->Get("/proxies/echo/toxics").body;
  ASSERT_EQ(toxics.size(), 2u);
  EXPECT_EQ(toxics[0]["name"], "up");
  EXPECT_EQ(toxics[1]["name"], "down");
}

}  // namespace
}  // namespace cardflow::chaos::testing
