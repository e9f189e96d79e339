// ControlApi: Toxiproxy's HTTP API, free of HTTP — each operation takes the
// request's already-parsed JSON body and answers an HTTP status and a JSON
// body. ControlServer is the HTTP shell around it (routes, PATCH/POST,
// /version, the browser check).
//
// Every method must run on the proxy's executor (inside Proxy::Run): it
// reads and changes links directly.
//
//   GET    /proxies                       ListProxies   200 {"NAME": proxy, ...}
//   POST   /proxies                       CreateProxy   201 proxy
//   POST   /populate                      Populate      201 {"proxies": [proxy, ...]}
//   GET    /proxies/NAME                  GetProxy      200 proxy
//   PATCH  /proxies/NAME (or POST)        UpdateProxy   200 proxy
//   DELETE /proxies/NAME                  DeleteProxy   204
//   GET    /proxies/NAME/toxics           ListToxics    200 [toxic, ...]
//   POST   /proxies/NAME/toxics           AddToxic      200 toxic
//   GET    /proxies/NAME/toxics/TOXIC     GetToxic      200 toxic
//   PATCH  /proxies/NAME/toxics/TOXIC     UpdateToxic   200 toxic
//   DELETE /proxies/NAME/toxics/TOXIC     RemoveToxic   204
//   POST   /reset                         Reset         204: every proxy enabled, no toxics
//
// where proxy = {"name", "listen", "upstream", "enabled", "toxics": [toxic,
// ...], "connections"} ("connections", the open ones, is ours) and toxic is
// as in toxic_json.h; toxics are listed upstream first, then downstream,
// each in the order they act, as Toxiproxy lists them. Bodies follow
// Toxiproxy's: unknown keys are ignored, null is "left out". Errors are
// {"error": message, "status": code}: 400 for a bad body or a missing
// field, 404 for an unknown proxy or toxic, 409 for a name in use, 503 when
// the OS refuses to listen. Populate's error adds "proxies": those it made.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "chaos/proxy.h"
#include "chaos/status.h"

namespace cardflow::chaos {

struct ApiReply {
  int http_status = 200;
  nlohmann::json body;  // null: no body (204)

  // The reply for a failed Status: its HTTP code and
  // {"error": message, "status": code}.
  static ApiReply FromError(const Status& status);
};

class ControlApi {
 public:
  explicit ControlApi(Proxy& proxy) : proxy_(proxy) {}

  ApiReply ListProxies() const;
  ApiReply CreateProxy(const nlohmann::json& body) const;
  ApiReply Populate(const nlohmann::json& body) const;
  ApiReply GetProxy(const std::string& proxy) const;
  ApiReply UpdateProxy(const std::string& proxy, const nlohmann::json& body) const;
  ApiReply DeleteProxy(const std::string& proxy) const;
  ApiReply ListToxics(const std::string& proxy) const;
  ApiReply AddToxic(const std::string& proxy, const nlohmann::json& body) const;
  ApiReply GetToxic(const std::string& proxy, const std::string& toxic) const;
  ApiReply UpdateToxic(const std::string& proxy, const std::string& toxic,
                       const nlohmann::json& body) const;
  ApiReply RemoveToxic(const std::string& proxy, const std::string& toxic) const;
  ApiReply Reset() const;

 private:
  // fn(link) for the link of that name, or 404.
  template <typename Fn>
  ApiReply WithLink(const std::string& name, Fn fn) const;
  // fn(link, spec) for that toxic of that link, or 404.
  template <typename Fn>
  ApiReply WithToxic(const std::string& name, const std::string& toxic, Fn fn) const;

  Proxy& proxy_;
};

// The HTTP status for a Status code (200 for Ok).
int HttpStatusOf(StatusCode code);

// Toxiproxy's proxy JSON for `link`.
nlohmann::json LinkToJson(const Link& link);

// A proxy to create, from a POST /proxies or /populate body (or one entry of
// a --config file): "name" and "upstream" are required, "listen" defaults to
// every interface on a free port ("0.0.0.0:0"), "enabled" to true. An
// address with no host (":8080") means every interface (listen) or this
// machine (upstream). InvalidArgument naming what is wrong.
struct NewProxy {
  LinkSpec spec;
  bool enabled = true;
};
StatusOr<NewProxy> NewProxyFromJson(const nlohmann::json& body);

// Toxiproxy's populate: for each proxy of `body` (a JSON array, all checked
// first), one of that name with the same addresses is kept as it is
// (toxics and all); one with other addresses is replaced; a new name is
// created; a name given twice ends as its last entry says. The proxies made
// or kept, in order (each once it is still there), and the first error (then
// the proxies before it stay as made).
struct PopulateResult {
  std::vector<Link*> proxies;
  Status status;
};
PopulateResult PopulateProxies(Proxy& proxy, const nlohmann::json& body);

}  // namespace cardflow::chaos
