// ReportToJson: the report as DECK.md's JSON object.
//
// The object is built as an nlohmann::ordered_json, so keys keep the spec's
// order, and then laid out like the spec's example: nlohmann's own layouts
// are either one line or one scalar per line, and neither diffs or greps as
// well as one outcome per line.
#include <nlohmann/json.hpp>
#include <string>

#include "common/report/report.h"

namespace cardflow {

namespace {

using Json = nlohmann::ordered_json;

// Scalars and strings, escaped by nlohmann; invalid UTF-8 (a deck file name
// can hold any bytes) is replaced, never thrown.
std::string Scalar(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// `{"a": 1, "b": [2, 3]}`: one line, a space after every `:` and `,`.
void AppendInline(const Json& value, std::string& out) {
  if (value.is_object()) {
    out += '{';
    const char* sep = "";
    for (const auto& item : value.items()) {
      out += sep;
      out += Scalar(Json(item.key()));
      out += ": ";
      AppendInline(item.value(), out);
      sep = ", ";
    }
    out += '}';
  } else if (value.is_array()) {
    out += '[';
    const char* sep = "";
    for (const Json& element : value) {
      out += sep;
      AppendInline(element, out);
      sep = ", ";
    }
    out += ']';
  } else {
    out += Scalar(value);
  }
}

// One key per line; a non-empty array gets one element per line.
std::string Layout(const Json& object) {
  std::string out = "{\n";
  const char* sep = "";
  for (const auto& item : object.items()) {
    out += sep;
    out += "  " + Scalar(Json(item.key())) + ": ";
    const Json& value = item.value();
    if (value.is_array() && !value.empty()) {
      out += "[\n";
      const char* element_sep = "";
      for (const Json& element : value) {
        out += element_sep;
        out += "    ";
        AppendInline(element, out);
        element_sep = ",\n";
      }
      out += "\n  ]";
    } else {
      AppendInline(value, out);
    }
    sep = ",\n";
  }
  out += "\n}\n";
  return out;
}

Json ToJson(const Report& report) {
  Json json = Json::object();
  json["deck"] = report.deck;
  json["ordering"] = OrderingName(report.ordering);
  Json placement = Json::object();
  for (const auto& [stack, where] : report.placement) placement[stack] = where;
  json["placement"] = std::move(placement);
  json["runs"] = report.runs;
  json["seed"] = report.seed;
  Json outcomes = Json::array();
  for (const OutcomeCount& outcome : report.outcomes) {
    Json values = Json::object();
    for (size_t i = 0; i < report.terms.size() && i < outcome.values.size(); ++i) {
      values[report.terms[i]] = outcome.values[i];
    }
    Json entry = Json::object();
    entry["values"] = std::move(values);
    entry["count"] = outcome.count;
    entry["expect"] = outcome.expect;
    outcomes.push_back(std::move(entry));
  }
  json["outcomes"] = std::move(outcomes);
  json["expect_failures"] = report.expect_failures;
  json["order_violations"] = report.order_violations;
  json["run_errors"] = report.run_errors;
  if (report.run_errors > 0) json["errors"] = report.errors;
  if (!report.moved.empty()) json["moved"] = report.moved;
  return json;
}

}  // namespace

std::string ReportToJson(const Report& report) { return Layout(ToJson(report)); }

}  // namespace cardflow
