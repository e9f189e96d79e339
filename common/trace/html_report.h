// HtmlReport: the report of one deck as a single self-contained HTML page —
// inline CSS, SVG, one inline script and inline JSON data, no external URL,
// so it opens offline from a file:// path or a mail attachment and looks the
// same anywhere.
//
// The page has one column per section (side by side: two sections make two
// columns, more wrap two per row), each with
//  - the verdict (ReportVerdict) and the facts of the report: ordering,
//    runs and seeds, placement, expect lines, failure counts, run errors;
//  - the outcome histogram of all its runs: a table row per outcome
//    (<tr class="outcome ...">), most frequent first, with count, share of
//    runs, a bar, ✓/✗ for the expects and the values;
//  - a stepper (common/trace/stepper_page.h) that steps through the sample
//    run — replayed from its schedule — and, when an outcome row is
//    clicked, through that outcome's witness run; the runs are embedded as
//    JSON (common/trace/stepper_data.h), the step shown lives in the URL
//    fragment (#s0=12);
//  - when a sample run is given, its outcome, a space-time diagram of it
//    (SpaceTimeSvg, lanes from the report's placement) and its print log.
// Below the columns: a legend of the diagram and the deck as compiled.
// Every piece of text from the deck, the reports or the runs is escaped.
//
// Typical use: the same deck run with --ordering none and --ordering
// callbacks, one section each (HtmlStepping::kTogether), shows the naive
// histogram next to the correct one and one run of each drawn beneath,
// stepping together.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/deck/program.h"
#include "common/report/report.h"
#include "common/report/run_result.h"

namespace cardflow {

struct HtmlSection {
  std::string title;  // e.g. "--ordering none (naive)"
  Report report;      // all runs of this section; its placement lays out the lanes
  // One run to draw (it keeps its events: RunLocalOnce, or a remote run with
  // events gathered). Absent: the section has no diagram.
  std::optional<RunResult> sample;
  // The witness run of each outcome row, aligned with report.outcomes (at
  // most kHtmlOutcomeRows; shorter or absent entries: that row loads
  // nothing; nor do rows once the section's stepper data passes 3 MB). Typically
  // RunLocalOnce(program, ordering, outcome.seed, 1, {}, its parsed schedule) — see
  // coordinator/witness_runs.h.
  std::vector<std::optional<RunResult>> witnesses;
};

// The histogram shows at most this many outcome rows; the rest are summed up.
inline constexpr size_t kHtmlOutcomeRows = 40;

// How the sections' steppers move. kTogether is for a comparison (the same
// deck naive vs callbacks, or two orderings with one seed): with two or more
// sections, one control moves every pane to the same step (a checkbox above
// them unlinks them) and what differs between the panes at the step shown —
// a table value, the card just dealt, the outcome — is outlined.
enum class HtmlStepping { kApart, kTogether };

// The whole page (UTF-8, ending in a newline). Depends only on its
// arguments — never on time — so one seed gives one page. Never fails; an
// empty `sections` gives a page that says there is nothing to show.
std::string HtmlReport(const Program& program, const std::vector<HtmlSection>& sections,
                       HtmlStepping stepping = HtmlStepping::kApart);

}  // namespace cardflow
