// ToxicSpec: what a toxic is, as configured on a link — plain data, shared
// by the control API (which reads and prints it as JSON, toxic_json.h) and
// the connections (which build Toxic instances from it, MakeToxic).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "chaos/bandwidth_toxic.h"
#include "chaos/latency_toxic.h"
#include "chaos/limit_data_toxic.h"
#include "chaos/random.h"
#include "chaos/reset_peer_toxic.h"
#include "chaos/slicer_toxic.h"
#include "chaos/slow_close_toxic.h"
#include "chaos/status.h"
#include "chaos/timeout_toxic.h"
#include "chaos/toxic.h"

namespace cardflow::chaos {

// Toxiproxy's names: upstream is client → server, downstream server → client.
enum class Stream { kUpstream, kDownstream };

// The kind of a toxic is the alternative held; its name is ToxicTypeName.
using ToxicParams = std::variant<LatencyParams, BandwidthParams, SlicerParams, ResetPeerParams,
                                 TimeoutParams, SlowCloseParams, LimitDataParams>;

struct ToxicSpec {
  std::string name;  // unique within its link
  Stream stream = Stream::kDownstream;
  double toxicity = 1.0;  // probability that the toxic acts on a connection
  ToxicParams params;
};

// "upstream" / "downstream", and back (nullopt for anything else).
std::string_view StreamName(Stream stream);
std::optional<Stream> StreamFromName(std::string_view name);

// "latency", "bandwidth", "slicer", "reset_peer", "timeout", "slow_close",
// "limit_data", and back: the
// default parameters of that kind (nullopt for an unknown name).
std::string_view ToxicTypeName(const ToxicParams& params);
std::optional<ToxicParams> DefaultToxicParams(std::string_view type);

// Ok, or InvalidArgument naming the first value out of range (the name, the
// toxicity, an attribute).
Status ValidateToxicSpec(const ToxicSpec& spec);

// A fresh instance of the toxic `params` describe; draws come from `random`.
// `params` must have passed ValidateToxicSpec.
std::unique_ptr<Toxic> MakeToxic(const ToxicParams& params, Random random);

}  // namespace cardflow::chaos
