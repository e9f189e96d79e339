// The JSON shape of a toxic in the control API, as Toxiproxy has it:
//
//   {"name": "lag", "type": "latency", "stream": "downstream",
//    "toxicity": 1.0, "attributes": {"latency": 100, "jitter": 10}}
//
// Attributes are integers; their names and units are in each toxic's
// header (latency_toxic.h, ...) and in docs/chaos.md.
#pragma once

#include <nlohmann/json.hpp>

#include "chaos/status.h"
#include "chaos/toxic_spec.h"

namespace cardflow::chaos {

// A new toxic from a request body. "type" is required; "stream" defaults to
// "downstream", "name" (or "") to "TYPE_STREAM", "toxicity" to 1, attributes
// left out to their defaults (docs/chaos.md). Keys and attributes it does
// not know are ignored, and null counts as left out, as in Toxiproxy.
// InvalidArgument for an unknown type or stream, a value of the wrong JSON
// type, or a value out of range.
StatusOr<ToxicSpec> ToxicSpecFromJson(const nlohmann::json& body);

// `current` changed by an update body: "toxicity" and any subset of
// "attributes". Everything else ("name", "type", "stream", unknown keys) is
// ignored, as Toxiproxy ignores it, so a client may post back what it read.
// Same errors as ToxicSpecFromJson.
StatusOr<ToxicSpec> UpdateToxicSpec(ToxicSpec current, const nlohmann::json& body);

nlohmann::json ToxicSpecToJson(const ToxicSpec& spec);

}  // namespace cardflow::chaos
