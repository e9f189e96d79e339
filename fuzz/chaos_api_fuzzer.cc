// libFuzzer target: cardflow-chaos's control API (chaos/control_api.h) on
// arbitrary request bodies, through the real handlers, without HTTP. The
// first byte picks the operation (its value modulo 6: '0'..'5' in the
// corpus), the rest is the body, parsed as ControlServer parses it:
//
//   0  POST  /proxies                  CreateProxy
//   1  POST  /populate                 Populate
//   2  PATCH /proxies/fuzz             UpdateProxy
//   3  POST  /proxies/fuzz/toxics      AddToxic
//   4  PATCH /proxies/fuzz/toxics/lag  UpdateToxic
//   5  the same body as a new proxy and as a new toxic (NewProxyFromJson,
//      ToxicSpecFromJson), nothing applied
//
// Each input gets a fresh Proxy (never started: this thread is its
// executor) holding one disabled link "fuzz" with a latency toxic "lag". A
// "listen" address in a body is replaced by 127.0.0.1:0 before the handler
// sees it, so that the fuzzer never resolves names or binds other ports.
//
// Whatever the body, the reply must be one the API documents (an HTTP
// status it lists; an error is {"error": message, "status": that code}),
// its body must serialize as the server writes it, and a toxic added or
// updated must read back as the reply showed it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "chaos/control_api.h"
#include "chaos/proxy.h"
#include "chaos/toxic_json.h"

namespace {

using nlohmann::json;
namespace chaos = cardflow::chaos;

void Require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "chaos_api_fuzzer: broken invariant: %s\n", what);
  std::abort();
}

// Never resolve or bind what the input names: the "listen" of a proxy
// object (or of each entry of a populate array), when a string or left out
// (every interface, by default), becomes loopback, port 0. Other kinds of
// "listen" value are left for the handler to refuse.
void TameListen(json& body) {
  if (body.is_array()) {
    for (json& entry : body) TameListen(entry);
    return;
  }
  if (!body.is_object()) return;
  const auto it = body.find("listen");
  if (it == body.end() || it->is_null() || it->is_string()) body["listen"] = "127.0.0.1:0";
}

void CheckReply(const chaos::ApiReply& reply) {
  constexpr std::array<int, 7> kDocumented = {200, 201, 204, 400, 404, 409, 503};
  bool documented = false;
  for (int code : kDocumented) documented = documented || reply.http_status == code;
  Require(documented, "the HTTP status is one the API documents");
  Require(reply.body.is_null() == (reply.http_status == 204), "a body exactly when not 204");
  if (reply.http_status >= 400) {
    Require(reply.body.is_object(), "an error is a JSON object");
    Require(reply.body.contains("error") && reply.body["error"].is_string() &&
                !reply.body["error"].get<std::string>().empty(),
            "an error says what is wrong");
    Require(reply.body.value("status", 0) == reply.http_status, "an error repeats its status");
  }
  // As ControlServer::Write sends it (throws on a string that is not UTF-8).
  (void)reply.body.dump();
}

// A toxic the API accepted reads back as its reply showed it.
void CheckToxicReadsBack(const chaos::ControlApi& api, const chaos::ApiReply& reply) {
  if (reply.http_status != 200) return;
  const chaos::ApiReply read = api.GetToxic("fuzz", reply.body.at("name").get<std::string>());
  Require(read.http_status == 200, "an added or updated toxic can be read");
  Require(read.body == reply.body, "a toxic reads back as the reply showed it");
  auto again = chaos::ToxicSpecFromJson(reply.body);
  Require(again.ok(), "a toxic's JSON is a valid new toxic");
  Require(chaos::ToxicSpecToJson(*again) == reply.body, "a toxic's JSON round-trips");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int operation = data[0] % 6;
  const char* text = reinterpret_cast<const char*>(data + 1);
  // As ControlServer::AnswerWithBody parses a body (a 400 when it fails).
  json body = json::parse(text, text + (size - 1), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return 0;
  TameListen(body);

  chaos::Proxy proxy(/*seed=*/1);
  auto link = proxy.CreateLink(
      chaos::LinkSpec{"fuzz", chaos::HostPort{"127.0.0.1", 0}, chaos::HostPort{"127.0.0.1", 1}},
      /*enabled=*/false);
  Require(link.ok(), "the fixture's link is created");
  auto lag = chaos::ToxicSpecFromJson(json{{"name", "lag"}, {"type", "latency"}});
  Require(lag.ok() && (*link)->AddToxic(*lag).ok(), "the fixture's toxic is added");
  const chaos::ControlApi api(proxy);

  switch (operation) {
    case 0:
      CheckReply(api.CreateProxy(body));
      break;
    case 1:
      CheckReply(api.Populate(body));
      break;
    case 2:
      CheckReply(api.UpdateProxy("fuzz", body));
      break;
    case 3: {
      const chaos::ApiReply reply = api.AddToxic("fuzz", body);
      CheckReply(reply);
      CheckToxicReadsBack(api, reply);
      break;
    }
    case 4: {
      const chaos::ApiReply reply = api.UpdateToxic("fuzz", "lag", body);
      CheckReply(reply);
      CheckToxicReadsBack(api, reply);
      break;
    }
    default: {
      auto proxy_spec = chaos::NewProxyFromJson(body);
      Require(proxy_spec.ok() || proxy_spec.status().code() == chaos::StatusCode::kInvalidArgument,
              "a bad proxy body is InvalidArgument");
      auto toxic = chaos::ToxicSpecFromJson(body);
      Require(toxic.ok() || toxic.status().code() == chaos::StatusCode::kInvalidArgument,
              "a bad toxic body is InvalidArgument");
      if (toxic.ok()) {
        Require(chaos::ToxicSpecFromJson(chaos::ToxicSpecToJson(*toxic)).ok(),
                "a toxic's JSON is a valid new toxic");
      }
      break;
    }
  }
  // Whatever the operation did, the proxy still lists as JSON.
  CheckReply(api.ListProxies());
  return 0;
}
