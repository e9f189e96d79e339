#include "chaos/control_api.h"

#include <algorithm>

#include "chaos/host_port.h"
#include "chaos/toxic_json.h"

namespace cardflow::chaos {

namespace {

using nlohmann::json;

json ToxicsToJson(const Link& link) {
  json toxics = json::array();
  for (const Stream stream : {Stream::kUpstream, Stream::kDownstream}) {
    for (const ToxicEntry& entry : link.toxics()) {
      if (entry.spec.stream == stream) toxics.push_back(ToxicSpecToJson(entry.spec));
    }
  }
  return toxics;
}

// 200 with `body` if `status` is ok, else the error reply.
ApiReply OkOr(const Status& status, json body) {
  if (!status.ok()) return ApiReply::FromError(status);
  return body.is_null() ? ApiReply{204, nullptr} : ApiReply{200, std::move(body)};
}

Status BadBody(const std::string& why) { return InvalidArgumentError("bad request body: " + why); }

// body[key] as a string if present and not null; `fallback` otherwise.
StatusOr<std::string> OptionalString(const json& body, const char* key, std::string fallback) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_string()) return BadBody(std::string("'") + key + "' must be a string");
  return it->get<std::string>();
}

StatusOr<bool> OptionalBool(const json& body, const char* key, bool fallback) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return BadBody(std::string("'") + key + "' must be true or false");
  return it->get<bool>();
}

// A listen or upstream address as Toxiproxy takes it ("host:port",
// "[v6]:port", ":port"); an empty host becomes `empty_host`.
StatusOr<HostPort> ParseAddress(const std::string& text, const char* what, const char* empty_host) {
  std::string full = text;
  if (!full.empty() && full.front() == ':') full = empty_host + full;
  StatusOr<HostPort> parsed = ParseHostPort(full, what);
  if (!parsed.ok()) return BadBody(parsed.status().message());
  return parsed;
}

struct ProxyAddresses {
  HostPort listen;
  HostPort upstream;
};

StatusOr<ProxyAddresses> ReadAddresses(const std::string& listen, const std::string& upstream) {
  StatusOr<HostPort> l = ParseAddress(listen.empty() ? ":0" : listen, "listen", "0.0.0.0");
  if (!l.ok()) return l.status();
  StatusOr<HostPort> u = ParseAddress(upstream, "upstream", "127.0.0.1");
  if (!u.ok()) return u.status();
  if (u->port == 0) return BadBody("the upstream port must not be 0");
  return ProxyAddresses{*std::move(l), *std::move(u)};
}

}  // namespace

int HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
      return 504;
  }
  return 500;
}

ApiReply ApiReply::FromError(const Status& status) {
  const int code = HttpStatusOf(status.code());
  return ApiReply{code, json{{"error", status.message()}, {"status", code}}};
}

json LinkToJson(const Link& link) {
  return {{"name", link.spec().name},
          {"listen", link.listen_address()},
          {"upstream", link.spec().upstream.ToString()},
          {"enabled", link.enabled()},
          {"toxics", ToxicsToJson(link)},
          {"connections", link.connection_count()}};
}

StatusOr<NewProxy> NewProxyFromJson(const json& body) {
  if (!body.is_object()) return BadBody("a proxy must be a JSON object");
  StatusOr<std::string> name = OptionalString(body, "name", "");
  if (!name.ok()) return name.status();
  StatusOr<std::string> listen = OptionalString(body, "listen", "");
  if (!listen.ok()) return listen.status();
  StatusOr<std::string> upstream = OptionalString(body, "upstream", "");
  if (!upstream.ok()) return upstream.status();
  StatusOr<bool> enabled = OptionalBool(body, "enabled", true);
  if (!enabled.ok()) return enabled.status();
  if (name->empty()) return InvalidArgumentError("missing required field: name");
  if (upstream->empty()) return InvalidArgumentError("missing required field: upstream");
  if (!IsValidName(*name)) {
    return InvalidArgumentError("bad request body: proxy name '" + *name + "' " +
                                std::string(kNameRule));
  }
  StatusOr<ProxyAddresses> addresses = ReadAddresses(*listen, *upstream);
  if (!addresses.ok()) return addresses.status();
  return NewProxy{LinkSpec{*name, addresses->listen, addresses->upstream}, *enabled};
}

PopulateResult PopulateProxies(Proxy& proxy, const json& body) {
  PopulateResult result;
  if (!body.is_array()) {
    result.status = BadBody("populate takes a JSON array of proxies");
    return result;
  }
  // Every entry is checked before any proxy changes, as Toxiproxy does.
  std::vector<NewProxy> wanted;
  for (size_t i = 0; i < body.size(); ++i) {
    StatusOr<NewProxy> entry = NewProxyFromJson(body[i]);
    if (!entry.ok()) {
      result.status = Status(entry.status().code(),
                             entry.status().message() + " at proxy " + std::to_string(i + 1));
      return result;
    }
    wanted.push_back(*std::move(entry));
  }
  for (const NewProxy& entry : wanted) {
    if (Link* existing = proxy.FindLink(entry.spec.name)) {
      StatusOr<bool> differs = existing->Differs(entry.spec.listen, entry.spec.upstream);
      if (!differs.ok()) {
        result.status = differs.status();
        return result;
      }
      if (!*differs) {
        result.proxies.push_back(existing);
        continue;
      }
      // Stopped first so that its address is free for the new one. When
      // an earlier entry of this body made it (a name given twice), it is
      // no proxy any more: not listed (the fuzzer's use-after-free,
      // fuzz/corpus/chaos_api/populate_same_name_twice).
      std::erase(result.proxies, existing);
      (void)proxy.RemoveLink(entry.spec.name);
    }
    StatusOr<Link*> created = proxy.CreateLink(entry.spec, entry.enabled);
    if (!created.ok()) {
      result.status = created.status();
      return result;
    }
    result.proxies.push_back(*created);
  }
  return result;
}

template <typename Fn>
ApiReply ControlApi::WithLink(const std::string& name, Fn fn) const {
  Link* link = proxy_.FindLink(name);
  if (link == nullptr) {
    return ApiReply::FromError(NotFoundError("proxy not found: no proxy named " + name));
  }
  return fn(*link);
}

template <typename Fn>
ApiReply ControlApi::WithToxic(const std::string& name, const std::string& toxic, Fn fn) const {
  return WithLink(name, [&](Link& link) {
    const ToxicSpec* spec = link.FindToxic(toxic);
    if (spec == nullptr) {
      return ApiReply::FromError(
          NotFoundError("toxic not found: the proxy " + name + " has no toxic named " + toxic));
    }
    return fn(link, *spec);
  });
}

ApiReply ControlApi::ListProxies() const {
  json proxies = json::object();
  for (const auto& [name, link] : proxy_.links()) proxies[name] = LinkToJson(*link);
  return {200, std::move(proxies)};
}

ApiReply ControlApi::CreateProxy(const json& body) const {
  StatusOr<NewProxy> wanted = NewProxyFromJson(body);
  if (!wanted.ok()) return ApiReply::FromError(wanted.status());
  StatusOr<Link*> link = proxy_.CreateLink(wanted->spec, wanted->enabled);
  if (!link.ok()) return ApiReply::FromError(link.status());
  return {201, LinkToJson(**link)};
}

ApiReply ControlApi::Populate(const json& body) const {
  PopulateResult result = PopulateProxies(proxy_, body);
  // As Toxiproxy marshals a Go slice: null when there is none.
  json proxies = nullptr;
  for (const Link* link : result.proxies) proxies.push_back(LinkToJson(*link));
  if (!result.status.ok()) {
    ApiReply reply = ApiReply::FromError(result.status);
    reply.body["proxies"] = std::move(proxies);
    return reply;
  }
  return {201, json{{"proxies", std::move(proxies)}}};
}

ApiReply ControlApi::GetProxy(const std::string& name) const {
  return WithLink(name, [](Link& link) { return ApiReply{200, LinkToJson(link)}; });
}

ApiReply ControlApi::UpdateProxy(const std::string& name, const json& body) const {
  return WithLink(name, [&](Link& link) {
    if (!body.is_object()) return ApiReply::FromError(BadBody("the body must be a JSON object"));
    // Fields left out keep their current values, as in Toxiproxy.
    StatusOr<std::string> listen = OptionalString(body, "listen", link.listen_address());
    if (!listen.ok()) return ApiReply::FromError(listen.status());
    StatusOr<std::string> upstream =
        OptionalString(body, "upstream", link.spec().upstream.ToString());
    if (!upstream.ok()) return ApiReply::FromError(upstream.status());
    StatusOr<bool> enabled = OptionalBool(body, "enabled", link.enabled());
    if (!enabled.ok()) return ApiReply::FromError(enabled.status());
    StatusOr<ProxyAddresses> addresses = ReadAddresses(*listen, *upstream);
    if (!addresses.ok()) return ApiReply::FromError(addresses.status());
    const Status status = link.Update(addresses->listen, addresses->upstream, *enabled);
    return OkOr(status, LinkToJson(link));
  });
}

ApiReply ControlApi::DeleteProxy(const std::string& name) const {
  return OkOr(proxy_.RemoveLink(name), nullptr);
}

ApiReply ControlApi::ListToxics(const std::string& name) const {
  return WithLink(name, [](Link& link) { return ApiReply{200, ToxicsToJson(link)}; });
}

ApiReply ControlApi::AddToxic(const std::string& name, const json& body) const {
  return WithLink(name, [&](Link& link) {
    StatusOr<ToxicSpec> spec = ToxicSpecFromJson(body);
    if (!spec.ok()) return ApiReply::FromError(spec.status());
    json reply = ToxicSpecToJson(*spec);
    return OkOr(link.AddToxic(*std::move(spec)), std::move(reply));
  });
}

ApiReply ControlApi::GetToxic(const std::string& name, const std::string& toxic) const {
  return WithToxic(name, toxic, [](Link&, const ToxicSpec& spec) {
    return ApiReply{200, ToxicSpecToJson(spec)};
  });
}

ApiReply ControlApi::UpdateToxic(const std::string& name, const std::string& toxic,
                                 const json& body) const {
  return WithToxic(name, toxic, [&](Link& link, const ToxicSpec& current) {
    StatusOr<ToxicSpec> updated = UpdateToxicSpec(current, body);
    if (!updated.ok()) return ApiReply::FromError(updated.status());
    json reply = ToxicSpecToJson(*updated);
    return OkOr(link.UpdateToxic(*std::move(updated)), std::move(reply));
  });
}

ApiReply ControlApi::RemoveToxic(const std::string& name, const std::string& toxic) const {
  return WithLink(name, [&](Link& link) { return OkOr(link.RemoveToxic(toxic), nullptr); });
}

ApiReply ControlApi::Reset() const {
  for (const auto& [name, link] : proxy_.links()) {
    if (Status s = link->SetEnabled(true); !s.ok()) return ApiReply::FromError(s);
    link->RemoveAllToxics();
  }
  return {204, nullptr};
}

}  // namespace cardflow::chaos
