// ControlApi: the control API's operations, free of HTTP — each takes the
// request's already-parsed JSON body and answers an HTTP status and a JSON
// body. ControlServer is the HTTP shell around it.
//
// Every method must run on the proxy's executor (inside Proxy::Run): it
// reads and changes links directly.
//
//   GET    /links                      ListLinks     {"NAME": link, ...}
//   GET    /links/NAME                 GetLink       link
//   POST   /links/NAME                 SetLink       {"enabled": bool} -> link
//   GET    /links/NAME/toxics          ListToxics    [toxic, ...]
//   POST   /links/NAME/toxics          AddToxic      toxic -> toxic
//   GET    /links/NAME/toxics/TOXIC    GetToxic      toxic
//   POST   /links/NAME/toxics/TOXIC    UpdateToxic   {"toxicity", "attributes"} -> toxic
//   DELETE /links/NAME/toxics/TOXIC    RemoveToxic   204
//   POST   /reset                      Reset         204: every link enabled, no toxics
//
// where link = {"name", "listen", "upstream", "enabled", "connections",
// "toxics": [toxic, ...]} and toxic is as in toxic_json.h. Errors: 400 for
// a bad body, 404 for an unknown link or toxic, 409 for a duplicate toxic
// name, 503 when the OS refuses to listen again; always {"error": message}.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "chaos/proxy.h"
#include "chaos/status.h"

namespace cardflow::chaos {

struct ApiReply {
  int http_status = 200;
  nlohmann::json body;  // null: no body (204)

  // The reply for a failed Status: its HTTP code and {"error": message}.
  static ApiReply FromError(const Status& status);
};

class ControlApi {
 public:
  explicit ControlApi(Proxy& proxy) : proxy_(proxy) {}

  ApiReply ListLinks() const;
  ApiReply GetLink(const std::string& link) const;
  ApiReply SetLink(const std::string& link, const nlohmann::json& body) const;
  ApiReply ListToxics(const std::string& link) const;
  ApiReply AddToxic(const std::string& link, const nlohmann::json& body) const;
  ApiReply GetToxic(const std::string& link, const std::string& toxic) const;
  ApiReply UpdateToxic(const std::string& link, const std::string& toxic,
                       const nlohmann::json& body) const;
  ApiReply RemoveToxic(const std::string& link, const std::string& toxic) const;
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

}  // namespace cardflow::chaos
