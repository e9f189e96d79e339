#include "common/trace/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "common/check/check_report.h"
#include "common/report/plural.h"
#include "common/trace/html_escape.h"
#include "common/trace/space_time_svg.h"
#include "common/trace/stepper_data.h"
#include "common/trace/stepper_page.h"

namespace cardflow {

namespace {

constexpr size_t kMaxOutcomeRows = kHtmlOutcomeRows;
// A section's stepper data beyond which outcome rows stop carrying their
// witness run (the drawn run is always there): long runs of wide decks
// would make pages of tens of megabytes.
constexpr size_t kMaxStepperBytes = size_t{3} << 20;
// "The deck, as compiled" lists every card up to this many in all; beyond,
// this many in all spread over the stacks, at least kDeckSourceCardsPerStack each.
constexpr size_t kDeckSourceCards = 1000;
constexpr size_t kDeckSourceCardsPerStack = 4;

constexpr char kStyle[] = R"(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 20px 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI",
       Roboto, sans-serif; color: #1a202c; background: #ffffff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h1 .deck { font-family: ui-monospace, Menlo, Consolas, monospace; color: #2b6cb0; }
h2 { font-size: 18px; margin: 0 0 8px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.lede { color: #4a5568; margin: 0 0 16px; }
.sections { display: grid; gap: 20px; grid-template-columns: minmax(0, 1fr); }
.sections.cols-2 { grid-template-columns: repeat(2, minmax(0, 1fr)); }
.report-section { border: 1px solid #e2e8f0; border-radius: 8px; padding: 14px 16px;
                  min-width: 0; }
.verdict { font-weight: 600; padding: 6px 10px; border-radius: 6px; margin: 0 0 10px; }
.verdict.pass { background: #f0fff4; color: #22543d; border: 1px solid #9ae6b4; }
.verdict.fail { background: #fff5f5; color: #822727; border: 1px solid #feb2b2; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dl.facts dt { color: #718096; }
dl.facts dd { margin: 0; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
table.histogram { border-collapse: collapse; width: 100%; }
table.histogram th { text-align: left; color: #718096; font-weight: normal;
                     border-bottom: 1px solid #e2e8f0; padding: 2px 6px; }
table.histogram td { padding: 3px 6px; border-bottom: 1px solid #f7fafc; vertical-align: middle; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.bar { width: 35%; }
td.bar span { display: block; height: 12px; border-radius: 3px; min-width: 2px; }
tr.outcome.pass td.bar span { background: #48bb78; }
tr.outcome.fail td.bar span { background: #f56565; }
td.mark { text-align: center; font-weight: bold; }
tr.outcome.pass td.mark { color: #2f855a; }
tr.outcome.fail td.mark { color: #c53030; }
tr.more td { color: #718096; font-style: italic; }
.errors li { color: #822727; }
.run-summary { margin: 0 0 6px; }
.tag { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 12px; }
.tag.bad { background: #fed7d7; color: #822727; }
.tag.good { background: #c6f6d5; color: #22543d; }
.diagram { overflow-x: auto; border: 1px solid #e2e8f0; border-radius: 6px; background: #fff; }
.diagram svg { display: block; }
.diagram svg.fit { max-width: 100%; height: auto; }
svg.space-time g.ev:hover circle, svg.space-time g.ev:hover polygon { stroke: #1a202c;
                                                                     stroke-width: 3; }
pre.log, pre.deck { background: #f7fafc; border: 1px solid #e2e8f0; border-radius: 6px;
                    padding: 8px 10px; margin: 4px 0; overflow-x: auto; }
.legend ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap;
             gap: 6px 18px; }
.legend .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 50%;
                  vertical-align: -1px; margin-right: 5px; }
.legend .line { display: inline-block; width: 26px; height: 0; vertical-align: 4px;
                margin-right: 5px; border-top: 2px solid; }
footer { color: #a0aec0; font-size: 12px; margin-top: 24px; }
@media (max-width: 900px) { .sections.cols-2 { grid-template-columns: minmax(0, 1fr); } }
)";

std::string Share(uint64_t part, uint64_t whole) {
  return fmt::format("{:.1f}", whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / whole);
}

// "balance=300 A.a=150" as escaped <code> spans.
std::string ValuesHtml(const std::vector<std::string>& terms, const std::vector<int64_t>& values) {
  if (terms.empty()) return "<i>no outcome terms</i>";
  std::string out;
  for (size_t i = 0; i < terms.size() && i < values.size(); ++i) {
    if (i > 0) out += ' ';
    out += fmt::format("<code>{}={}</code>", HtmlEscape(terms[i]), values[i]);
  }
  return out;
}

std::string PlacementHtml(const Report& report) {
  if (report.placement.empty()) return "—";
  const bool all_local = std::all_of(report.placement.begin(), report.placement.end(),
                                     [](const auto& p) { return p.second == "local"; });
  if (all_local) return "all local";
  std::string out;
  for (const auto& [stack, where] : report.placement) {
    if (!out.empty()) out += ", ";
    out += HtmlEscape(stack) + " on " + HtmlEscape(where);
  }
  return out;
}

std::string Facts(const Report& report) {
  std::string seeds = report.runs <= 1
                          ? fmt::format("seed {}", report.seed)
                          : fmt::format("seeds {}..{}", report.seed, report.seed + report.runs - 1);
  std::string out = "<dl class=\"facts\">\n";
  auto fact = [&](const char* name, const std::string& html) {
    out += fmt::format("<dt>{}</dt><dd>{}</dd>\n", name, html);
  };
  fact("ordering", fmt::format("<code>{}</code>", OrderingName(report.ordering)));
  fact("runs", fmt::format("{} ({})", report.runs, seeds));
  fact("placement", PlacementHtml(report));
  std::string expects;
  for (const std::string& e : report.expects) {
    expects += (expects.empty() ? "" : "<br>") + fmt::format("<code>{}</code>", HtmlEscape(e));
  }
  fact("expect", expects.empty() ? "none" : expects);
  fact("expect failures", std::to_string(report.expect_failures));
  fact("order violations", std::to_string(report.order_violations));
  fact("run errors", std::to_string(report.run_errors));
  const auto moves = [&fact](const char* what, const std::vector<std::string>& stacks) {
    if (stacks.empty()) return;
    std::string listed;
    for (const std::string& s : stacks) listed += (listed.empty() ? "" : "<br>") + HtmlEscape(s);
    fact(what, listed);
  };
  moves("moved during a run", report.moved);
  moves("placed elsewhere for the runs that started while their node was down", report.replaced);
  return out + "</dl>\n";
}

std::string Histogram(const Report& report) {
  const uint64_t completed = report.runs - std::min(report.runs, report.run_errors);
  std::string out = fmt::format("<h3>Outcomes: {} over {}</h3>\n",
                                Plural(report.outcomes.size(), "outcome", "distinct outcomes"),
                                Plural(completed, "completed run", "completed runs"));
  if (report.outcomes.empty()) return out + "<p>No run completed.</p>\n";
  out +=
      "<table class=\"histogram\">\n<thead><tr><th>runs</th><th>share</th><th></th>"
      "<th>expect</th><th>outcome</th></tr></thead>\n<tbody>\n";
  const size_t rows = std::min(report.outcomes.size(), kMaxOutcomeRows);
  for (size_t i = 0; i < rows; ++i) {
    const OutcomeCount& o = report.outcomes[i];
    const std::string share = Share(o.count, report.runs);
    out += fmt::format(
        "<tr class=\"outcome {}\" data-outcome=\"{}\"><td class=\"num\">{}</td><td "
        "class=\"num\">{}%</td>"
        "<td class=\"bar\"><span style=\"width:{}%\"></span></td><td class=\"mark\">{}</td>"
        "<td class=\"values\">{}</td></tr>\n",
        o.expect ? "pass" : "fail", i, o.count, share, share, o.expect ? "✓" : "✗",
        ValuesHtml(report.terms, o.values));
  }
  if (rows < report.outcomes.size()) {
    uint64_t rest = 0;
    for (size_t i = rows; i < report.outcomes.size(); ++i) rest += report.outcomes[i].count;
    out += fmt::format(
        "<tr class=\"more\"><td class=\"num\">{}</td><td colspan=\"4\">… {} more "
        "(the JSON report lists them all)</td></tr>\n",
        rest, Plural(report.outcomes.size() - rows, "outcome", "outcomes"));
  }
  out += "</tbody>\n</table>\n";
  if (!report.errors.empty()) {
    out += "<h3>Run errors</h3>\n<ul class=\"errors\">\n";
    for (const std::string& e : report.errors) out += "<li>" + HtmlEscape(e) + "</li>\n";
    out += "</ul>\n";
  }
  return out;
}

std::string Sample(const Program& program, const HtmlSection& section, size_t index) {
  const RunResult& run = *section.sample;
  std::string out = fmt::format("<h3>One run: seed {}</h3>\n<p class=\"run-summary\">", run.seed);
  if (run.error) {
    out += "<span class=\"tag bad\">run error</span> " + HtmlEscape(run.error->message);
  } else {
    out += "outcome " + ValuesHtml(section.report.terms, run.values) + " " +
           (run.expect_ok ? "<span class=\"tag good\">✓ expect</span>"
                          : "<span class=\"tag bad\">✗ expect</span>");
  }
  if (run.order_violation) {
    out += " <span class=\"tag bad\">order violation: an await missed its callback</span>";
  }
  out += "</p>\n";
  SpaceTimeOptions options;
  options.id_prefix = fmt::format("st{}", index + 1);
  out += "<div class=\"diagram\">\n" +
         SpaceTimeSvg(program, section.report.placement, run, options) + "</div>\n";
  if (!run.log.empty()) {
    out += "<h3>Log</h3>\n<pre class=\"log\">";
    for (const std::string& line : run.log) out += HtmlEscape(line) + "\n";
    out += "</pre>\n";
  }
  return out;
}

using Json = nlohmann::ordered_json;

std::string JsonString(const std::string& text) {
  return Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
}

// JSON to embed in <script type="application/json">: every '<' (which JSON
// has only inside strings) written as \u003c, so no "</script" or "<!--"
// can end or confuse the block.
std::string ScriptSafe(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

// The section's stepper: an empty <div> the script fills, and its runs as
// JSON (stepper_page.h).
std::string Stepper(const Program& program, const HtmlSection& section, size_t index) {
  const Report& report = section.report;
  std::string json = "{\"title\":" + JsonString(section.title) + ",\"ordering\":\"" +
                     OrderingName(report.ordering) + "\",\"sample\":" +
                     (section.sample ? StepperRunJson(program, report.ordering, *section.sample)
                                     : std::string("null")) +
                     ",\"outcomes\":[";
  const size_t rows = std::min(report.outcomes.size(), kMaxOutcomeRows);
  for (size_t i = 0; i < rows; ++i) {
    const OutcomeCount& o = report.outcomes[i];
    Json row = Json::object();
    row["text"] = OutcomeText(program, o.values);
    row["expect"] = o.expect;
    row["count"] = o.count;
    row["seed"] = o.seed;
    row["schedule"] = o.schedule;
    std::string text = row.dump(-1, ' ', false, Json::error_handler_t::replace);
    text.pop_back();  // the closing brace: "run" follows
    const bool has = i < section.witnesses.size() && section.witnesses[i].has_value();
    std::string run = "null";
    if (has && section.sample && section.sample->schedule == section.witnesses[i]->schedule &&
        section.sample->seed == section.witnesses[i]->seed) {
      run = "\"sample\"";  // the drawn run itself: not embedded twice
    } else if (has) {
      run = StepperRunJson(program, report.ordering, *section.witnesses[i]);
    }
    if (json.size() + run.size() > kMaxStepperBytes) run = "null";  // the row loads nothing
    text += ",\"run\":" + run + "}";
    json += (i > 0 ? "," : "") + text;
  }
  json += "]}";
  return fmt::format(
      "<h3>Step through a run</h3>\n"
      "<div class=\"stepper\" data-section=\"{0}\"><noscript>The stepper needs "
      "JavaScript.</noscript></div>\n"
      "<script type=\"application/json\" id=\"stepper-data-{1}\">{2}</script>\n",
      index, index + 1, ScriptSafe(json));
}

std::string ReadingThisPage(bool together) {
  return "<section class=\"reading\">\n<h3>Reading this page</h3>\n"
         "<p>Each stack is a pile of cards run top to bottom. The stacks run at the same time, "
         "so every run deals their cards in some order: the <b>dealt</b> lane shows the order "
         "this run chose. Press <b>Step ▶</b> (or →) to deal the next card, <b>Play</b> (or "
         "space) to watch; the raised card in each pile is the one it deals next. A callback "
         "(<code>notify</code>) travels <i>in flight</i> until it arrives in the receiver's "
         "<i>inbox</i>, where an <code>await</code> takes it. ⚠ marks an await that missed "
         "its callback, an update that another write lost, a broken expect.</p>\n"
         "<p>Click an outcome row to step through a run that ends in it. The address bar keeps "
         "the step shown: copy it to come back to the same step.</p>\n" +
         std::string(together ? "<p>The runs side by side step together: one press moves both "
                                "to the same step, and what differs between them there (a "
                                "table value, the card dealt, the outcome) is outlined "
                                "with ≠.</p>\n"
                              : "") +
         "</section>\n";
}

std::string Legend() {
  auto dot = [](const char* color, const char* text, bool hollow = false) {
    return fmt::format(
        "<li><span class=\"swatch\" style=\"background:{};border:2px solid {}\"></span>{}</li>",
        hollow ? "#ffffff" : color, color, text);
  };
  auto line = [](const char* color, const char* style, const char* text) {
    return fmt::format(
        "<li><span class=\"line\" style=\"border-top-color:{};border-top-style:{}\"></span>{}"
        "</li>",
        color, style, text);
  };
  return "<section class=\"legend\">\n<h3>Reading the diagrams</h3>\n<ul>\n" +
         dot("#2b6cb0", "read") + dot("#c05621", "write") + dot("#2f855a", "notify") +
         dot("#2f855a", "callback arrives (◇)", true) + dot("#6b46c1", "await got it") +
         dot("#c53030", "await missed it (✕)", true) + dot("#4a5568", "print") +
         line("#2f855a", "dashed", "callback travelling") +
         line("#6b46c1", "solid", "callback consumed") +
         line("#a0aec0", "dotted", "shared read / write (value on the table lane)") +
         "\n</ul>\n<p class=\"lede\">Time runs left to right in causal order, one column per "
         "step; hover a mark for its card and vector clock.</p>\n</section>\n";
}

// The deck as compiled: shared variables, stacks with their cards, expects.
// Unrolled repeats of a wide deck would list tens of thousands of cards: past
// kDeckSourceCards in all, each stack lists its first few and counts the
// rest (the stepper's piles hold every card).
std::string DeckSource(const Program& program) {
  const size_t cards = program.code.size();
  const size_t per_stack =
      cards <= kDeckSourceCards
          ? cards
          : std::max<size_t>(kDeckSourceCardsPerStack, kDeckSourceCards / program.stacks.size());
  std::string text;
  for (const SharedVar& var : program.shared) {
    text += fmt::format("shared {} = {}\n", var.name, var.initial);
  }
  for (StackId s = 0; s < program.stacks.size(); ++s) {
    const StackProgram& stack = program.stacks[s];
    const std::span<const Instr> code = program.Code(s);
    text += fmt::format("\nstack {}{}{}:\n", stack.name, stack.node_hint.empty() ? "" : " on ",
                        stack.node_hint);
    const size_t shown = std::min(code.size(), per_stack);
    for (uint32_t pc = 0; pc < shown; ++pc) {
      text += fmt::format("    {:<28} # line {}\n", program.CardText(s, pc), code[pc].line);
    }
    if (shown < code.size()) {
      text += fmt::format("    # … {} more cards\n", code.size() - shown);
    }
  }
  if (!program.expects.empty()) text += "\n";
  for (const Expectation& e : program.expects) text += "expect " + e.text + "\n";
  return "<section class=\"deck-source\">\n<h3>The deck, as compiled</h3>\n<pre class=\"deck\">" +
         HtmlEscape(text) + "</pre>\n</section>\n";
}

}  // namespace

std::string HtmlReport(const Program& program, const std::vector<HtmlSection>& sections,
                       HtmlStepping stepping) {
  const std::string deck = HtmlEscape(program.file.empty() ? "deck" : program.file);
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>cardflow report: {0}</title>\n<style>{1}{2}</style>\n</head>\n<body>\n"
      "<header>\n<h1>cardflow report <span class=\"deck\">{0}</span></h1>\n",
      deck, kStyle, kStepperCss);
  if (sections.empty()) {
    out += "<p class=\"lede\">Nothing to show: no runs were reported.</p>\n</header>\n";
  } else {
    std::string titles;
    for (size_t i = 0; i < sections.size(); ++i) {
      if (i > 0) titles += i + 1 == sections.size() ? " and " : ", ";
      titles += "<b>" + HtmlEscape(sections[i].title) + "</b>";
    }
    out += fmt::format("<p class=\"lede\">{}{}.</p>\n</header>\n", titles,
                       sections.size() > 1 ? ", side by side" : "");
    const bool together = stepping == HtmlStepping::kTogether && sections.size() > 1;
    out += ReadingThisPage(together);
    out += fmt::format("<main class=\"sections{}\"{}>\n", sections.size() > 1 ? " cols-2" : "",
                       together ? " data-together" : "");
    for (size_t i = 0; i < sections.size(); ++i) {
      const HtmlSection& section = sections[i];
      const bool pass = ReportExitCode(section.report) == 0;
      out += fmt::format(
          "<section class=\"report-section\" id=\"section-{}\">\n<h2>{}</h2>\n"
          "<p class=\"verdict {}\">{}</p>\n",
          i + 1, HtmlEscape(section.title), pass ? "pass" : "fail",
          HtmlEscape(ReportVerdict(section.report)));
      out += Facts(section.report);
      out += Histogram(section.report);
      out += Stepper(program, section, i);
      if (section.sample) out += Sample(program, section, i);
      out += "</section>\n";
    }
    out += "</main>\n";
    out += Legend();
  }
  out += DeckSource(program);
  out += "<script type=\"application/json\" id=\"cardflow-deck\">" +
         ScriptSafe(StepperDeckJson(program)) + "</script>\n";
  out += "<script>" + std::string(kStepperScript) + "</script>\n";
  out +=
      "<footer>Generated by cardflow. Self-contained: one inline script, no network.</footer>\n"
      "</body>\n</html>\n";
  return out;
}

}  // namespace cardflow
