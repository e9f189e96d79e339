// LayoutJson: DECK.md's JSON objects (the run report, `check`) laid out like
// the spec's examples: one key per line, a non-empty array one element per
// line, each element on one line. nlohmann's own layouts are either one line
// or one scalar per line, and neither diffs or greps as well as one outcome
// per line. Invalid UTF-8 in strings is replaced, never thrown.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace cardflow {

// `object` as text, ending in a newline.
std::string LayoutJson(const nlohmann::ordered_json& object);

}  // namespace cardflow
