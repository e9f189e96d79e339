// The control API over HTTP, against the real process: what it lists, how a
// toxic round-trips, and what bad requests are told.
#include <gtest/gtest.h>

#include "tests/chaos/proxy_fixture.h"

namespace cardflow::chaos::testing {
namespace {

using nlohmann::json;

using ControlApiTest = ProxyFixture;

TEST_F(ControlApiTest, ListsTheLinksWithTheirAddresses) {
  const ControlClient::Reply links = control_->Get("/links");
  ASSERT_EQ(links.status, 200);
  ASSERT_TRUE(links.body.contains("echo")) << links.body.dump();
  const json& echo = links.body["echo"];
  EXPECT_EQ(echo["name"], "echo");
  EXPECT_EQ(echo["listen"], proxy_->link("echo"));
  EXPECT_EQ(echo["upstream"], echo_.address());
  EXPECT_EQ(echo["enabled"], true);
  EXPECT_EQ(echo["toxics"], json::array());
  EXPECT_EQ(control_->Get("/links/echo").body, echo);
}

TEST_F(ControlApiTest, CountsOpenConnections) {
  std::unique_ptr<TestSocket> socket = Connect();
  RoundTrip(*socket, "accepted by now");
  EXPECT_EQ(control_->Get("/links/echo").body["connections"], 1);
}

TEST_F(ControlApiTest, AToxicRoundTripsThroughAddListUpdateAndDelete) {
  const json toxic = {{"name", "lag"},
                      {"type", "latency"},
                      {"stream", "upstream"},
                      {"toxicity", 1.0},
                      {"attributes", {{"latency", 50}, {"jitter", 5}}}};
  const ControlClient::Reply added = control_->Post("/links/echo/toxics", toxic);
  ASSERT_EQ(added.status, 200) << added.body.dump();
  EXPECT_EQ(added.body, toxic);
  EXPECT_EQ(control_->Get("/links/echo/toxics").body, json::array({toxic}));
  EXPECT_EQ(control_->Get("/links/echo").body["toxics"], json::array({toxic}));
  EXPECT_EQ(control_->Get("/links/echo/toxics/lag").body, toxic);

  const ControlClient::Reply updated = control_->Post(
      "/links/echo/toxics/lag", {{"toxicity", 0.5}, {"attributes", {{"jitter", 0}}}});
  ASSERT_EQ(updated.status, 200) << updated.body.dump();
  json want = toxic;
  want["toxicity"] = 0.5;
  want["attributes"]["jitter"] = 0;
  EXPECT_EQ(updated.body, want);
  EXPECT_EQ(control_->Get("/links/echo/toxics/lag").body, want);

  const ControlClient::Reply deleted = control_->Delete("/links/echo/toxics/lag");
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(control_->Get("/links/echo/toxics/lag").status, 404);
  EXPECT_EQ(control_->Get("/links/echo/toxics").body, json::array());
}

TEST_F(ControlApiTest, ToxicsKeepTheOrderTheyWereAddedIn) {
  for (const char* name : {"c", "a", "b"}) AddToxic({{"name", name}, {"type", "latency"}});
  const json toxics = control_->Get("/links/echo/toxics").body;
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
      {"/links/echo/toxics", "{not json", "not valid JSON"},
      {"/links/echo/toxics", "", "not valid JSON"},
      {"/links/echo/toxics", R"({"type": "earthquake"})", "unknown toxic type"},
      {"/links/echo/toxics", R"({"type": "latency", "stream": "sideways"})", "'stream'"},
      {"/links/echo/toxics", R"({"type": "latency", "toxicity": 2})", "toxicity"},
      {"/links/echo/toxics", R"({"type": "latency", "attributes": {"rate": 1}})",
       "unknown attribute 'rate'"},
      {"/links/echo/toxics", R"({"type": "slicer", "attributes": {"average_size": 0}})",
       "'average_size'"},
      {"/links/echo", R"({"enabled": "no"})", "enabled"},
      {"/links/echo", R"({"enabled": true, "extra": 1})", "enabled"},
      {"/links/echo/toxics/lag", R"({"type": "timeout"})", "cannot change"},
      {"/links/echo/toxics/lag", R"({"attributes": {"latency": -5}})", "'latency'"},
  };
  for (const Case& c : cases) {
    const ControlClient::Reply reply = control_->PostText(c.path, c.body);
    EXPECT_EQ(reply.status, 400) << c.path << " " << c.body;
    ASSERT_TRUE(reply.body.is_object() && reply.body.contains("error")) << reply.body.dump();
    EXPECT_NE(reply.body["error"].get<std::string>().find(c.says), std::string::npos)
        << c.body << ": " << reply.body.dump();
  }
  // None of that changed anything.
  EXPECT_EQ(control_->Get("/links/echo/toxics").body.size(), 1u);
  EXPECT_EQ(control_->Get("/links/echo").body["enabled"], true);
}

TEST_F(ControlApiTest, UnknownLinksToxicsAndRoutesGet404) {
  const ControlClient::Reply replies[] = {
      control_->Get("/links/nope"),
      control_->Post("/links/nope", {{"enabled", false}}),
      control_->Post("/links/nope/toxics", {{"type", "latency"}}),
      control_->Get("/links/echo/toxics/nope"),
      control_->Post("/links/echo/toxics/nope", {{"toxicity", 1}}),
      control_->Delete("/links/echo/toxics/nope"),
      control_->Get("/no/such/route"),
  };
  for (const ControlClient::Reply& reply : replies) {
    EXPECT_EQ(reply.status, 404) << reply.body.dump();
    EXPECT_TRUE(reply.body.contains("error")) << reply.body.dump();
  }
}

TEST_F(ControlApiTest, ADuplicateToxicNameGets409) {
  AddToxic({{"name", "twice"}, {"type", "latency"}});
  const ControlClient::Reply again =
      control_->Post("/links/echo/toxics", {{"name", "twice"}, {"type", "timeout"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_TRUE(again.body.contains("error"));
}

TEST_F(ControlApiTest, ResetRemovesEveryToxicAndEnablesEveryLink) {
  AddToxic({{"type", "latency"}});
  ASSERT_EQ(control_->Post("/links/echo", {{"enabled", false}}).status, 200);
  EXPECT_EQ(control_->Post("/reset", json::object()).status, 204);
  const json echo = control_->Get("/links/echo").body;
  EXPECT_EQ(echo["enabled"], true);
  EXPECT_EQ(echo["toxics"], json::array());
  std::unique_ptr<TestSocket> socket = Connect();
  RoundTrip(*socket, "works");
}

}  // namespace
}  // namespace cardflow::chaos::testing
