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
constexpr Attribute<SlowCloseParams> kSlowClose[] = {{"delay", &SlowCloseParams::delay_ms}};
constexpr Attribute<LimitDataParams> kLimitData[] = {{"bytes", &LimitDataParams::bytes}};

std::span<const Attribute<LatencyParams>> AttributesOf(const LatencyParams&) { return kLatency; }
std::span<const Attribute<BandwidthParams>> AttributesOf(const BandwidthParams&) {
  return kBandwidth;
}
std::span<const Attribute<SlicerParams>> AttributesOf(const SlicerParams&) { return kSlicer; }
std::span<const Attribute<ResetPeerParams>> AttributesOf(const ResetPeerParams&) {
  return kResetPeer;
}
std::span<const Attribute<TimeoutParams>> AttributesOf(const TimeoutParams&) { return kTimeout; }
std::span<const Attribute<SlowCloseParams>> AttributesOf(const SlowCloseParams&) {
  return kSlowClose;
}
std::span<const Attribute<LimitDataParams>> AttributesOf(const LimitDataParams&) {
  return kLimitData;
}

// Sets the attributes present in `attributes` (a JSON object, or null for
// none) on `params`. Attributes the kind does not have are ignored, as
// Toxiproxy's JSON decoding ignores them.
template <typename P>
Status ReadAttributes(const json& attributes, P& params) {
  if (attributes.is_null()) return Status::Ok();
  if (!attributes.is_object()) return InvalidArgumentError("'attributes' must be an object");
  for (const Attribute<P>& a : AttributesOf(params)) {
    const auto it = attributes.find(a.name);
    if (it == attributes.end() || it->is_null()) continue;
    if (!it->is_number_integer()) {
      return InvalidArgumentError("attribute '" + std::string(a.name) + "' must be an integer");
    }
    params.*(a.field) = it->template get<int64_t>();
  }
  return Status::Ok();
}

Status CheckObject(const json& body) {
  if (!body.is_object()) return InvalidArgumentError("the body must be a JSON object");
  return Status::Ok();
}

// Whether `body` has `key` with a value other than null (Go's decoder
// leaves a field untouched for null).
bool Has(const json& body, const char* key) {
  const auto it = body.find(key);
  return it != body.end() && !it->is_null();
}

StatusOr<std::string> StringField(const json& body, const char* key) {
  const json& value = body.at(key);
  if (!value.is_string())
    return InvalidArgumentError(std::string("'") + key + "' must be a string");
  return value.get<std::string>();
}

Status ReadToxicity(const json& body, ToxicSpec& spec) {
  if (!Has(body, "toxicity")) return Status::Ok();
  const json& value = body.at("toxicity");
  if (!value.is_number()) return InvalidArgumentError("'toxicity' must be a number in 0..1");
  spec.toxicity = value.get<double>();
  return Status::Ok();
}

Status ReadAllAttributes(const json& body, ToxicSpec& spec) {
  if (!body.contains("attributes")) return Status::Ok();
  return std::visit([&](auto& p) { return ReadAttributes(body.at("attributes"), p); }, spec.params);
}

}  // namespace

StatusOr<ToxicSpec> ToxicSpecFromJson(const json& body) {
  if (Status s = CheckObject(body); !s.ok()) return s;
  std::string type;
  if (Has(body, "type")) {
    StatusOr<std::string> read = StringField(body, "type");
    if (!read.ok()) return read.status();
    type = *read;
  }
  std::optional<ToxicParams> params = DefaultToxicParams(type);
  if (!params) {
    return InvalidArgumentError(
        "invalid toxic type '" + type +
        "' (latency, bandwidth, slicer, reset_peer, timeout, slow_close, limit_data)");
  }
  ToxicSpec spec;
  spec.params = *params;
  if (Has(body, "stream")) {
    StatusOr<std::string> stream = StringField(body, "stream");
    if (!stream.ok()) return stream.status();
    std::optional<Stream> parsed = StreamFromName(*stream);
    if (!parsed) {
      return InvalidArgumentError("stream was invalid, can be either upstream or downstream");
    }
    spec.stream = *parsed;
  }
  if (Has(body, "name")) {
    StatusOr<std::string> name = StringField(body, "name");
    if (!name.ok()) return name.status();
    spec.name = *name;
  }
  if (spec.name.empty()) spec.name = type + "_" + std::string(StreamName(spec.stream));
  if (Status s = ReadToxicity(body, spec); !s.ok()) return s;
  if (Status s = ReadAllAttributes(body, spec); !s.ok()) return s;
  if (Status s = ValidateToxicSpec(spec); !s.ok()) return s;
  return spec;
}

StatusOr<ToxicSpec> UpdateToxicSpec(ToxicSpec current, const json& body) {
  if (Status s = CheckObject(body); !s.ok()) return s;
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
