#include "coordinator/reports/index_page.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/trace/html_escape.h"

namespace cardflow {

namespace {

// JSON reports bigger than this are not read for the index (a report is a
// few kilobytes; a huge file here is not one of ours).
constexpr std::uintmax_t kMaxSummaryBytes = 4 << 20;

const char* FileKey(ReportFileKind kind) {
  switch (kind) {
    case ReportFileKind::kHtml:
      return "html";
    case ReportFileKind::kJson:
      return "json";
    case ReportFileKind::kTrace:
      return "trace";
    case ReportFileKind::kShiviz:
      return "shiviz";
  }
  return "";
}

// "2026-05-18 12:01:02 UTC" (or with a 'T' and 'Z' for JSON).
std::string UtcTime(std::filesystem::file_time_type time, bool iso) {
  const auto system = std::chrono::file_clock::to_sys(time);
  const std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(system));
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof text, iso ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S UTC", &utc);
  return text;
}

std::optional<ReportSummary> Summarize(const nlohmann::json& report) {
  if (!report.is_object()) return std::nullopt;
  ReportSummary s;
  s.deck = report.value("deck", "");
  s.ordering = report.value("ordering", "");
  s.runs = report.value("runs", uint64_t{0});
  const auto outcomes = report.find("outcomes");
  s.outcomes = outcomes != report.end() && outcomes->is_array() ? outcomes->size() : 0;
  s.pass = report.value("expect_failures", uint64_t{1}) == 0 &&
           report.value("order_violations", uint64_t{1}) == 0 &&
           report.value("run_errors", uint64_t{1}) == 0;
  return s;
}

}  // namespace

std::vector<ReportSummary> SummarizeSet(const ReportFolder& folder, const ReportSet& set) {
  const auto& name = set.file(ReportFileKind::kJson);
  if (!name) return {};
  StatusOr<std::filesystem::path> path = folder.Resolve(*name);
  std::error_code ec;
  if (!path.ok() || std::filesystem::file_size(*path, ec) > kMaxSummaryBytes || ec) return {};
  std::ifstream in(*path, std::ios::binary);
  const nlohmann::json json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  std::vector<ReportSummary> out;
  try {
    if (json.is_array()) {
      for (const auto& report : json) {
        if (auto s = Summarize(report)) out.push_back(*std::move(s));
      }
    } else if (auto s = Summarize(json)) {
      out.push_back(*std::move(s));
    }
  } catch (const nlohmann::json::exception&) {
    return {};  // a key of the wrong type: not one of our reports
  }
  return out;
}

std::string ReportFileUrl(const std::string& name) {
  std::string url = "/reports/";
  for (unsigned char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '_' || c == '-' || c == '~';
    url += plain ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
  }
  return url;
}

std::string IndexPage(const ReportFolder& folder, const std::vector<ReportSet>& sets) {
  std::ostringstream page;
  page << R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cardflow reports</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em;
       padding: 0 1em; color: #222; }
h1 { font-size: 1.4em; margin-bottom: 0.2em; }
p.folder { color: #666; margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.35em 0.6em; border-bottom: 1px solid #ddd;
         vertical-align: top; }
th { font-weight: 600; background: #f4f4f4; }
td.when { white-space: nowrap; color: #555; }
code { font-size: 0.9em; }
.pass { color: #18794e; font-weight: 600; }
.fail { color: #c62828; font-weight: 600; }
a { color: #1f5fbf; }
.links a { margin-right: 0.7em; }
</style>
</head>
<body>
<h1>cardflow reports</h1>
)";
  page << "<p class=\"folder\">" << sets.size() << (sets.size() == 1 ? " set" : " sets")
       << " in <code>" << HtmlEscape(folder.dir().string()) << "</code>, newest first";
  if (!sets.empty()) page << " · <a href=\"/latest\">latest page</a>";
  page << "</p>\n";
  if (sets.empty()) {
    page << "<p class=\"empty\">No reports yet. Write some with <code>cardflow-coordinator run "
            "DECK --reports "
         << HtmlEscape(folder.dir().string()) << "</code> or <code>cardflow-coordinator demo "
         << "--reports " << HtmlEscape(folder.dir().string()) << "</code>.</p>\n";
  } else {
    page << "<table>\n<tr><th>written</th><th>report</th><th>what ran</th><th>verdict</th>"
            "<th>files</th></tr>\n";
    for (const ReportSet& set : sets) {
      const std::vector<ReportSummary> summaries = SummarizeSet(folder, set);
      page << "<tr class=\"set\"><td class=\"when\">" << UtcTime(set.modified, false)
           << "</td><td><code>" << HtmlEscape(set.stem) << "</code></td><td>";
      for (size_t i = 0; i < summaries.size(); ++i) {
        const ReportSummary& s = summaries[i];
        page << (i ? "<br>" : "") << HtmlEscape(s.deck) << ", --ordering " << HtmlEscape(s.ordering)
             << ", " << s.runs << " runs, " << s.outcomes
             << (s.outcomes == 1 ? " outcome" : " outcomes");
      }
      page << "</td><td>";
      for (size_t i = 0; i < summaries.size(); ++i) {
        page << (i ? "<br>" : "")
             << (summaries[i].pass ? "<span class=\"pass\">PASS</span>"
                                   : "<span class=\"fail\">FAIL</span>");
      }
      page << "</td><td class=\"links\">";
      for (ReportFileKind kind : kReportFileKinds) {
        if (const auto& name = set.file(kind)) {
          page << "<a class=\"" << FileKey(kind) << "\" href=\"" << HtmlEscape(ReportFileUrl(*name))
               << "\">" << ReportFileLabel(kind) << "</a>";
        }
      }
      page << "</td></tr>\n";
    }
    page << "</table>\n";
  }
  page << "<p class=\"folder\">Open a trace in <a href=\"https://ui.perfetto.dev\">Perfetto</a> "
          "(Open trace file) or chrome://tracing; a ShiViz log in ShiViz. JSON: "
          "<a href=\"/index.json\">/index.json</a>.</p>\n</body>\n</html>\n";
  return page.str();
}

std::string IndexJson(const ReportFolder& folder, const std::vector<ReportSet>& sets) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const ReportSet& set : sets) {
    nlohmann::ordered_json entry;
    entry["stem"] = set.stem;
    entry["modified"] = UtcTime(set.modified, true);
    nlohmann::ordered_json files = nlohmann::ordered_json::object();
    for (ReportFileKind kind : kReportFileKinds) {
      if (const auto& name = set.file(kind)) files[FileKey(kind)] = ReportFileUrl(*name);
    }
    entry["files"] = std::move(files);
    nlohmann::ordered_json reports = nlohmann::ordered_json::array();
    for (const ReportSummary& s : SummarizeSet(folder, set)) {
      reports.push_back({{"deck", s.deck},
                         {"ordering", s.ordering},
                         {"runs", s.runs},
                         {"outcomes", s.outcomes},
                         {"pass", s.pass}});
    }
    entry["reports"] = std::move(reports);
    out.push_back(std::move(entry));
  }
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace cardflow
