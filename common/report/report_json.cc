// ReportToJson: the report as DECK.md's JSON object, built as an
// nlohmann::ordered_json so keys keep the spec's order (json_layout.h lays
// it out).
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/report/json_layout.h"
#include "common/report/report.h"

namespace cardflow {

namespace {

using Json = nlohmann::ordered_json;

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
    entry["seed"] = outcome.seed;
    entry["schedule"] = outcome.schedule;
    outcomes.push_back(std::move(entry));
  }
  json["outcomes"] = std::move(outcomes);
  json["expect_failures"] = report.expect_failures;
  json["order_violations"] = report.order_violations;
  json["run_errors"] = report.run_errors;
  if (report.run_errors > 0) json["errors"] = report.errors;
  if (!report.moved.empty() || !report.replaced.empty()) {
    std::set<std::string> moved(report.moved.begin(), report.moved.end());
    moved.insert(report.replaced.begin(), report.replaced.end());
    json["moved"] = std::vector<std::string>(moved.begin(), moved.end());
  }
  if (report.reachable) {
    const auto values_of = [&report](const std::vector<int64_t>& values) {
      Json object = Json::object();
      for (size_t i = 0; i < report.terms.size() && i < values.size(); ++i) {
        object[report.terms[i]] = values[i];
      }
      return object;
    };
    Json reachable = Json::object();
    reachable["complete"] = report.reachable->complete;
    reachable["outcomes"] = report.reachable->outcomes;
    Json unseen = Json::array();
    for (const auto& values : report.reachable->unseen) unseen.push_back(values_of(values));
    reachable["unseen"] = std::move(unseen);
    if (!report.reachable->impossible.empty()) {
      Json impossible = Json::array();
      for (const auto& values : report.reachable->impossible) {
        impossible.push_back(values_of(values));
      }
      reachable["impossible"] = std::move(impossible);
    }
    json["reachable"] = std::move(reachable);
  }
  return json;
}

}  // namespace

std::string ReportToJson(const Report& report) { return LayoutJson(ToJson(report)); }

}  // namespace cardflow
