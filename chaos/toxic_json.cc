#include "chaos/toxic_json.h"

#include <span>
#include <string>
#include <string_view>

namespace cardflow::chaos {

namespace {

using nlohmann::json;

// One integer attribute of a toxic kind: its JSON name and its field.
template <typename P>
struct Attribute {
  std::string_view name;
  int64_t P::*field;
};

constexpr Attribute<LatencyParams> kLatency[] = {{"latency", &LatencyParams::latency_ms},
                                                 {"jitter", &LatencyParams::jitter_ms}};
constexpr Attribute<BandwidthParams> kBandwidth[] = {{"rate", &BandwidthParams::rate_kbps}};
constexpr Attribute<SlicerParams> kSlicer[] = {{"average_size", &SlicerParams::average_size},
                                               {"size_variation", &SlicerParams::size_variation},
                                               {"delay", &SlicerParams::delay_us}};
constexpr Attribute<ResetPeerParams> kResetPeer[] = {{"timeout", &ResetPeerParams::timeout_ms}};
constexpr Attribute<TimeoutParams> kTimeout[] = {{"timeout", &TimeoutParams::timeout_ms}};

std::span<const Attribute<LatencyParams>> AttributesOf(const LatencyParams&) { return kLatency; }
std::span<const Attribute<BandwidthParams>> AttributesOf(const BandwidthParams&) {
  return kBandwidth;
}
std::span<const Attribute<SlicerParams>> AttributesOf(const SlicerParams&) { return kSlicer; }
std::span<const Attribute<ResetPeerParams>> AttributesOf(const ResetPeerParams&) {
  return kResetPeer;
}
std::span<const Attribute<TimeoutParams>> AttributesOf(const TimeoutParams&) { return kTimeout; }

// Sets the attributes present in `attributes` (a JSON object) on `params`.
template <typename P>
Status ReadAttributes(const json& attributes, std::string_view type, P& params) {
  if (!attributes.is_object()) return InvalidArgumentError("'attributes' must be an object");
  const auto known = AttributesOf(params);
  for (const auto& [key, value] : attributes.items()) {
    const Attribute<P>* attribute = nullptr;
    for (const Attribute<P>& a : known) {
      if (a.name == key) attribute = &a;
    }
    if (attribute == nullptr) {
      std::string names;
      for (const Attribute<P>& a : known)
        names += (names.empty() ? "" : ", ") + std::string(a.name);
      return InvalidArgumentError("unknown attribute '" + key + "' for a " + std::string(type) +
                                  " toxic (it has: " + names + ")");
    }
    if (!value.is_number_integer()) {
      return InvalidArgumentError("attribute '" + key + "' must be an integer");
    }
    params.*(attribute->field) = value.template get<int64_t>();
  }
  return Status::Ok();
}

Status CheckKeys(const json& body, std::initializer_list<std::string_view> allowed) {
  if (!body.is_object()) return InvalidArgumentError("the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    bool ok = false;
    for (const std::string_view a : allowed) ok = ok || a == key;
    if (!ok) return InvalidArgumentError("unknown key '" + key + "'");
  }
  return Status::Ok();
}

StatusOr<std::string> StringField(const json& body, const char* key) {
  const json& value = body.at(key);
  if (!value.is_string())
    return InvalidArgumentError(std::string("'") + key + "' must be a string");
  return value.get<std::string>();
}

Status ReadToxicity(const json& body, ToxicSpec& spec) {
  if (!body.contains("toxicity")) return Status::Ok();
  const json& value = body.at("toxicity");
  if (!value.is_number()) return InvalidArgumentError("'toxicity' must be a number in 0..1");
  spec.toxicity = value.get<double>();
  return Status::Ok();
}

Status ReadAllAttributes(const json& body, ToxicSpec& spec) {
  if (!body.contains("attributes")) return Status::Ok();
  const std::string type(ToxicTypeName(spec.params));
  return std::visit([&](auto& p) { return ReadAttributes(body.at("attributes"), type, p); },
                    spec.params);
}

}  // namespace

StatusOr<ToxicSpec> ToxicSpecFromJson(const json& body) {
  if (Status s = CheckKeys(body, {"name", "type", "stream", "toxicity", "attributes"}); !s.ok()) {
    return s;
  }
  if (!body.contains("type")) return InvalidArgumentError("'type' is required");
  StatusOr<std::string> type = StringField(body, "type");
  if (!type.ok()) return type.status();
  std::optional<ToxicParams> params = DefaultToxicParams(*type);
  if (!params) {
    return InvalidArgumentError("unknown toxic type '" + *type +
                                "' (latency, bandwidth, slicer, reset_peer, timeout)");
  }
  ToxicSpec spec;
  spec.params = *params;
  if (body.contains("stream")) {
    StatusOr<std::string> stream = StringField(body, "stream");
    if (!stream.ok()) return stream.status();
    std::optional<Stream> parsed = StreamFromName(*stream);
    if (!parsed) return InvalidArgumentError("'stream' must be \"upstream\" or \"downstream\"");
    spec.stream = *parsed;
  }
  if (body.contains("name")) {
    StatusOr<std::string> name = StringField(body, "name");
    if (!name.ok()) return name.status();
    spec.name = *name;
  } else {
    spec.name = *type + "_" + std::string(StreamName(spec.stream));
  }
  if (Status s = ReadToxicity(body, spec); !s.ok()) return s;
  if (Status s = ReadAllAttributes(body, spec); !s.ok()) return s;
  if (Status s = ValidateToxicSpec(spec); !s.ok()) return s;
  return spec;
}

StatusOr<ToxicSpec> UpdateToxicSpec(ToxicSpec current, const json& body) {
  if (Status s = CheckKeys(body, {"name", "type", "stream", "toxicity", "attributes"}); !s.ok()) {
    return s;
  }
  const std::pair<const char*, std::string> fixed[] = {
      {"name", current.name},
      {"type", std::string(ToxicTypeName(current.params))},
      {"stream", std::string(StreamName(current.stream))}};
  for (const auto& [key, value] : fixed) {
    if (body.contains(key) && body.at(key) != value) {
      return InvalidArgumentError(std::string("a toxic's '") + key +
                                  "' cannot change; delete it and add another");
    }
  }
  if (Status s = ReadToxicity(body, current); !s.ok()) return s;
  if (Status s = ReadAllAttributes(body, current); !s.ok()) return s;
  if (Status s = ValidateToxicSpec(current); !s.ok()) return s;
  return current;
}

json ToxicSpecToJson(const ToxicSpec& spec) {
  json attributes = json::object();
  std::visit(
      [&](const auto& p) {
        for (const auto& a : AttributesOf(p)) attributes[std::string(a.name)] = p.*(a.field);
      },
      spec.params);
  return {{"name", spec.name},
          {"type", ToxicTypeName(spec.params)},
          {"stream", StreamName(spec.stream)},
          {"toxicity", spec.toxicity},
          {"attributes", std::move(attributes)}};
}

}  // namespace cardflow::chaos
