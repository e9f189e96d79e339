#include "chaos/control_api.h"

#include "chaos/host_port.h"
#include "chaos/toxic_json.h"

namespace cardflow::chaos {

namespace {

using nlohmann::json;

json ToxicsToJson(const Link& link) {
  json toxics = json::array();
  for (const ToxicEntry& entry : link.toxics()) toxics.push_back(ToxicSpecToJson(entry.spec));
  return toxics;
}

json LinkToJson(const Link& link) {
  return {{"name", link.spec().name},
          {"listen", EndpointToString(link.endpoint())},
          {"upstream", link.spec().upstream.ToString()},
          {"enabled", link.enabled()},
          {"connections", link.connection_count()},
          {"toxics", ToxicsToJson(link)}};
}

// 200 with `body` if `status` is ok, else the error reply.
ApiReply OkOr(const Status& status, json body) {
  if (!status.ok()) return ApiReply::FromError(status);
  return body.is_null() ? ApiReply{204, nullptr} : ApiReply{200, std::move(body)};
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
  return ApiReply{HttpStatusOf(status.code()), json{{"error", status.message()}}};
}

template <typename Fn>
ApiReply ControlApi::WithLink(const std::string& name, Fn fn) const {
  Link* link = proxy_.FindLink(name);
  if (link == nullptr) return ApiReply::FromError(NotFoundError("no link named " + name));
  return fn(*link);
}

template <typename Fn>
ApiReply ControlApi::WithToxic(const std::string& name, const std::string& toxic, Fn fn) const {
  return WithLink(name, [&](Link& link) {
    const ToxicSpec* spec = link.FindToxic(toxic);
    if (spec == nullptr) {
      return ApiReply::FromError(
          NotFoundError("the link " + name + " has no toxic named " + toxic));
    }
    return fn(link, *spec);
  });
}

ApiReply ControlApi::ListLinks() const {
  json links = json::object();
  for (const auto& [name, link] : proxy_.links()) links[name] = LinkToJson(*link);
  return {200, std::move(links)};
}

ApiReply ControlApi::GetLink(const std::string& name) const {
  return WithLink(name, [](Link& link) { return ApiReply{200, LinkToJson(link)}; });
}

ApiReply ControlApi::SetLink(const std::string& name, const json& body) const {
  return WithLink(name, [&](Link& link) {
    if (!body.is_object() || body.size() != 1 || !body.contains("enabled") ||
        !body.at("enabled").is_boolean()) {
      return ApiReply::FromError(
          InvalidArgumentError(R"(the body must be {"enabled": true} or {"enabled": false})"));
    }
    const Status status = link.SetEnabled(body.at("enabled").get<bool>());
    return OkOr(status, LinkToJson(link));
  });
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
    link->RemoveAllToxics();
    if (Status s = link->SetEnabled(true); !s.ok()) return ApiReply::FromError(s);
  }
  return {204, nullptr};
}

}  // namespace cardflow::chaos
