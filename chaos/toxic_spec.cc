#include "chaos/toxic_spec.h"

#include <string>

#include "chaos/link_spec.h"

namespace cardflow::chaos {

namespace {

// Longest delay any attribute may ask for: an hour, so time arithmetic
// never overflows and a typo does not freeze a link for a century.
constexpr int64_t kMaxMs = 3'600'000;

Status CheckRange(std::string_view attribute, int64_t value, int64_t lo, int64_t hi) {
  if (value >= lo && value <= hi) return Status::Ok();
  return InvalidArgumentError("attribute '" + std::string(attribute) + "' must be in " +
                              std::to_string(lo) + ".." + std::to_string(hi) + ", not " +
                              std::to_string(value));
}

Status CheckParams(const LatencyParams& p) {
  if (Status s = CheckRange("latency", p.latency_ms, 0, kMaxMs); !s.ok()) return s;
  return CheckRange("jitter", p.jitter_ms, 0, kMaxMs);
}
Status CheckParams(const BandwidthParams& p) {
  return CheckRange("rate", p.rate_kbps, 1, 100'000'000);  // up to 100 GB/s
}
Status CheckParams(const SlicerParams& p) {
  if (Status s = CheckRange("average_size", p.average_size, 1, 1 << 20); !s.ok()) return s;
  if (Status s = CheckRange("size_variation", p.size_variation, 0, p.average_size - 1); !s.ok()) {
    return s;
  }
  return CheckRange("delay", p.delay_us, 0, kMaxMs * 1000);
}
Status CheckParams(const ResetPeerParams& p) {
  return CheckRange("timeout", p.timeout_ms, 0, kMaxMs);
}
Status CheckParams(const TimeoutParams& p) {
  return CheckRange("timeout", p.timeout_ms, 0, kMaxMs);
}
Status CheckParams(const SlowCloseParams& p) { return CheckRange("delay", p.delay_ms, 0, kMaxMs); }
Status CheckParams(const LimitDataParams& p) {
  return CheckRange("bytes", p.bytes, 0, int64_t{1} << 62);
}

struct TypeNameOf {
  std::string_view operator()(const LatencyParams&) const { return "latency"; }
  std::string_view operator()(const BandwidthParams&) const { return "bandwidth"; }
  std::string_view operator()(const SlicerParams&) const { return "slicer"; }
  std::string_view operator()(const ResetPeerParams&) const { return "reset_peer"; }
  std::string_view operator()(const TimeoutParams&) const { return "timeout"; }
  std::string_view operator()(const SlowCloseParams&) const { return "slow_close"; }
  std::string_view operator()(const LimitDataParams&) const { return "limit_data"; }
};

struct Maker {
  Random random;
  std::unique_ptr<Toxic> operator()(const LatencyParams& p) const {
    return std::make_unique<LatencyToxic>(p, random);
  }
  std::unique_ptr<Toxic> operator()(const BandwidthParams& p) const {
    return std::make_unique<BandwidthToxic>(p);
  }
  std::unique_ptr<Toxic> operator()(const SlicerParams& p) const {
    return std::make_unique<SlicerToxic>(p, random);
  }
  std::unique_ptr<Toxic> operator()(const ResetPeerParams& p) const {
    return std::make_unique<ResetPeerToxic>(p);
  }
  std::unique_ptr<Toxic> operator()(const TimeoutParams& p) const {
    return std::make_unique<TimeoutToxic>(p);
  }
  std::unique_ptr<Toxic> operator()(const SlowCloseParams& p) const {
    return std::make_unique<SlowCloseToxic>(p);
  }
  std::unique_ptr<Toxic> operator()(const LimitDataParams& p) const {
    return std::make_unique<LimitDataToxic>(p);
  }
};

}  // namespace

std::string_view StreamName(Stream stream) {
  return stream == Stream::kUpstream ? "upstream" : "downstream";
}

std::optional<Stream> StreamFromName(std::string_view name) {
  if (name == "upstream") return Stream::kUpstream;
  if (name == "downstream") return Stream::kDownstream;
  return std::nullopt;
}

std::string_view ToxicTypeName(const ToxicParams& params) {
  return std::visit(TypeNameOf{}, params);
}

std::optional<ToxicParams> DefaultToxicParams(std::string_view type) {
  // Every alternative, default-constructed, matched by its name: the variant
  // itself is the list of kinds, so a new kind needs no entry here.
  std::optional<ToxicParams> found;
  [&]<size_t... I>(std::index_sequence<I...>) {
    ((ToxicTypeName(ToxicParams(std::in_place_index<I>)) == type
          ? void(found = ToxicParams(std::in_place_index<I>))
          : void()),
     ...);
  }
  (std::make_index_sequence<std::variant_size_v<ToxicParams>>());
  return found;
}

Status ValidateToxicSpec(const ToxicSpec& spec) {
  if (!IsValidName(spec.name)) {
    return InvalidArgumentError("toxic name '" + spec.name + "' " + std::string(kNameRule));
  }
  if (!(spec.toxicity >= 0.0 && spec.toxicity <= 1.0)) {
    return InvalidArgumentError("toxicity must be in 0..1, not " + std::to_string(spec.toxicity));
  }
  return std::visit([](const auto& p) { return CheckParams(p); }, spec.params);
}

std::unique_ptr<Toxic> MakeToxic(const ToxicParams& params, Random random) {
  return std::visit(Maker{random}, params);
}

}  // namespace cardflow::chaos
