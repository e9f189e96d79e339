#include "chaos/toxic_flag.h"

#include <nlohmann/json.hpp>

#include "chaos/link_spec.h"
#include "chaos/toxic_json.h"

namespace cardflow::chaos {

StatusOr<ToxicFlag> ParseToxicFlag(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return InvalidArgumentError("--toxic '" + std::string(text) + "': " + std::string(why) +
                                " (expected LINK=JSON, JSON as in POST /proxies/LINK/toxics)");
  };
  const size_t equals = text.find('=');
  if (equals == std::string_view::npos) return bad("no '='");
  ToxicFlag flag;
  flag.link = std::string(text.substr(0, equals));
  if (!IsValidName(flag.link)) return bad("LINK " + std::string(kNameRule));
  const nlohmann::json body = nlohmann::json::parse(text.substr(equals + 1), nullptr, false);
  if (body.is_discarded()) return bad("the toxic is not JSON");
  StatusOr<ToxicSpec> spec = ToxicSpecFromJson(body);
  if (!spec.ok()) return bad(spec.status().message());
  flag.spec = *std::move(spec);
  return flag;
}

}  // namespace cardflow::chaos
