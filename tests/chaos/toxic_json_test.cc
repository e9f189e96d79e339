// The JSON form of toxics: what a request may say and what it is told.
#include "chaos/toxic_json.h"

#include <gtest/gtest.h>

namespace cardflow::chaos {
namespace {

using nlohmann::json;

TEST(ToxicJsonTest, ReadsAFullToxicAndPrintsItBack) {
  const json body = json::parse(R"({"name": "lag", "type": "latency", "stream": "upstream",
                                    "toxicity": 0.5, "attributes": {"latency": 100, "jitter": 7}})");
  const StatusOr<ToxicSpec> spec = ToxicSpecFromJson(body);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->name, "lag");
  EXPECT_EQ(spec->stream, Stream::kUpstream);
  EXPECT_EQ(spec->toxicity, 0.5);
  const auto& latency = std::get<LatencyParams>(spec->params);
  EXPECT_EQ(latency.latency_ms, 100);
  EXPECT_EQ(latency.jitter_ms, 7);
  EXPECT_EQ(ToxicSpecToJson(*spec), body);
}

TEST(ToxicJsonTest, FillsDefaults) {
  const StatusOr<ToxicSpec> spec = ToxicSpecFromJson(json::parse(R"({"type": "timeout"})"));
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->name, "timeout_downstream");
  EXPECT_EQ(spec->stream, Stream::kDownstream);
  EXPECT_EQ(spec->toxicity, 1.0);
  EXPECT_EQ(std::get<TimeoutParams>(spec->params).timeout_ms, 0);
}

TEST(ToxicJsonTest, EveryTypeRoundTrips) {
  for (
      const char* text : {
          R"({"name":"a","type":"latency","stream":"downstream","toxicity":1.0,"attributes":{"latency":1,"jitter":0}})",
          R"({"name":"b","type":"bandwidth","stream":"upstream","toxicity":0.0,"attributes":{"rate":64}})",
          R"({"name":"c","type":"slicer","stream":"upstream","toxicity":1.0,"attributes":{"average_size":8,"size_variation":3,"delay":50}})",
          R"({"name":"d","type":"reset_peer","stream":"downstream","toxicity":0.25,"attributes":{"timeout":300}})",
          R"({"name":"e","type":"timeout","stream":"downstream","toxicity":1.0,"attributes":{"timeout":0}})",
          R"({"name":"f","type":"slow_close","stream":"upstream","toxicity":1.0,"attributes":{"delay":20}})",
          R"({"name":"g","type":"limit_data","stream":"downstream","toxicity":1.0,"attributes":{"bytes":1000}})",
      }) {
    const json body = json::parse(text);
    const StatusOr<ToxicSpec> spec = ToxicSpecFromJson(body);
    ASSERT_TRUE(spec.ok()) << text << ": " << spec.status().message();
    EXPECT_EQ(ToxicSpecToJson(*spec), body);
  }
}

TEST(ToxicJsonTest, RejectsBadToxicsSayingWhy) {
  struct Case {
    const char* body;
    const char* says;
  };
  const Case cases[] = {
      {R"([])", "JSON object"},
      {R"({})", "invalid toxic type"},
      {R"({"type": 3})", "'type' must be a string"},
      {R"({"type": "earthquake"})", "invalid toxic type 'earthquake'"},
      {R"({"type": "latency", "stream": "sideways"})", "stream was invalid"},
      {R"({"type": "latency", "toxicity": 1.5})", "toxicity must be in 0..1"},
      {R"({"type": "latency", "toxicity": "all"})", "'toxicity' must be a number"},
      {R"({"type": "latency", "attributes": {"latency": 1.5}})", "must be an integer"},
      {R"({"type": "latency", "attributes": {"latency": -1}})", "'latency' must be in 0.."},
      {R"({"type": "latency", "attributes": [1]})", "must be an object"},
      {R"({"type": "bandwidth"})", "'rate' must be in 1.."},
      {R"({"type": "slicer", "attributes": {"average_size": 4, "size_variation": 4}})",
       "'size_variation' must be in 0..3"},
      {R"({"type": "latency", "name": "a/b"})", "toxic name 'a/b'"},
      {R"({"type": "limit_data", "attributes": {"bytes": -1}})", "'bytes' must be in 0.."},
  };
  for (const Case& c : cases) {
    const StatusOr<ToxicSpec> spec = ToxicSpecFromJson(json::parse(c.body));
    ASSERT_FALSE(spec.ok()) << c.body;
    EXPECT_EQ(spec.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(spec.status().message().find(c.says), std::string::npos)
        << c.body << ": " << spec.status().message();
  }
}

TEST(ToxicJsonTest, UpdatesToxicityAndSomeAttributes) {
  const ToxicSpec current{"lag", Stream::kDownstream, 1.0, LatencyParams{100, 10}};
  const StatusOr<ToxicSpec> updated =
      UpdateToxicSpec(current, json::parse(R"({"toxicity": 0.3, "attributes": {"jitter": 0}})"));
  ASSERT_TRUE(updated.ok()) << updated.status().message();
  EXPECT_EQ(updated->toxicity, 0.3);
  EXPECT_EQ(std::get<LatencyParams>(updated->params).latency_ms, 100);
  EXPECT_EQ(std::get<LatencyParams>(updated->params).jitter_ms, 0);
  // Posting back what was read, with one change, is fine too.
  json read_back = ToxicSpecToJson(current);
  read_back["attributes"]["latency"] = 5;
  EXPECT_TRUE(UpdateToxicSpec(current, read_back).ok());
}

// As Toxiproxy: what the proxy does not know is ignored, on add and update,
// and an update never changes what the toxic is.
TEST(ToxicJsonTest, IgnoresUnknownKeysAndAttributes) {
  const StatusOr<ToxicSpec> spec = ToxicSpecFromJson(json::parse(
      R"({"type": "latency", "colour": "red", "attributes": {"latency": 5, "delay": 9}})"));
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(std::get<LatencyParams>(spec->params).latency_ms, 5);
  EXPECT_EQ(ToxicSpecToJson(*spec)["attributes"], json::parse(R"({"latency": 5, "jitter": 0})"));
  // null is "left out".
  const StatusOr<ToxicSpec> nulls = ToxicSpecFromJson(
      json::parse(R"({"type": "latency", "name": null, "stream": null, "attributes": null})"));
  ASSERT_TRUE(nulls.ok()) << nulls.status().message();
  EXPECT_EQ(nulls->name, "latency_downstream");
}

TEST(ToxicJsonTest, AnUpdateIgnoresNameTypeAndStream) {
  const ToxicSpec current{"lag", Stream::kDownstream, 1.0, LatencyParams{100, 10}};
  const StatusOr<ToxicSpec> updated = UpdateToxicSpec(
      current, json::parse(R"({"type": "timeout", "stream": "upstream", "name": "other",
                               "extra": [], "attributes": {"latency": 7, "timeout": 1}})"));
  ASSERT_TRUE(updated.ok()) << updated.status().message();
  EXPECT_EQ(updated->name, "lag");
  EXPECT_EQ(updated->stream, Stream::kDownstream);
  EXPECT_EQ(std::get<LatencyParams>(updated->params).latency_ms, 7);
  EXPECT_EQ(std::get<LatencyParams>(updated->params).jitter_ms, 10);
  EXPECT_FALSE(UpdateToxicSpec(current, json::parse(R"({"toxicity": -1})")).ok());
  EXPECT_FALSE(UpdateToxicSpec(current, json::parse(R"({"attributes": {"latency": "7"}})")).ok());
}

}  // namespace
}  // namespace cardflow::chaos
