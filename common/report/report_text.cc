// ReportToText: the report for people — a histogram and a verdict.
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/report/plural.h"
#include "common/report/report.h"

namespace cardflow {

namespace {

constexpr size_t kBarCells = 30;  // width of the longest bar
constexpr size_t kMaxHistogramRows = 16;

// "2000 runs (seeds 1..2000)".
std::string RunsAndSeeds(const Report& report) {
  std::string s = Plural(report.runs, "run", "runs");
  if (report.runs == 1) return s + " (seed " + std::to_string(report.seed) + ")";
  if (report.runs > 1) {
    s += " (seeds " + std::to_string(report.seed) + ".." +
         std::to_string(report.seed + report.runs - 1) + ")";
  }
  if (report.shuffle == Shuffle::kNetwork && report.runs > 0) {
    s += " · network order: the seed does not fix it (--shuffle seeded does); each outcome's "
         "schedule replays it";
  }
  return s;
}

// "all local"; "A on X, B on Y" for a deck of a few stacks; for more, how
// many stacks each node holds, nodes in order of their first stack:
// "100000 stacks: 50000 on X, 50000 on Y", "100000 stacks, all on X" (a line naming every stack of
// a big deck would be megabytes long; the JSON report names them all).
std::string PlacementText(const Report& report) {
  constexpr size_t kStacksNamed = 8;
  const bool all_local = std::all_of(report.placement.begin(), report.placement.end(),
                                     [](const auto& p) { return p.second == "local"; });
  if (all_local) return "all local";
  std::string s;
  if (report.placement.size() <= kStacksNamed) {
    for (const auto& [stack, where] : report.placement) {
      if (!s.empty()) s += ", ";
      s += stack + " on " + where;
    }
    return s;
  }
  std::vector<std::pair<std::string_view, size_t>> held;  // node, stacks
  for (const auto& entry : report.placement) {
    // Not a structured binding: clang 14 (the fuzz preset) cannot capture one.
    const std::string& where = entry.second;
    auto it =
        std::find_if(held.begin(), held.end(), [&](const auto& h) { return h.first == where; });
    if (it == held.end()) it = held.insert(held.end(), {where, 0});
    ++it->second;
  }
  s = Plural(report.placement.size(), "stack", "stacks");
  if (held.size() == 1) return s + ", all on " + std::string(held[0].first);
  s += ":";
  for (size_t i = 0; i < held.size(); ++i) {
    s += (i == 0 ? " " : ", ") + std::to_string(held[i].second) + " on " +
         std::string(held[i].first);
  }
  return s;
}

// A bar of `count / max` of kBarCells cells, in eighths, padded with spaces.
std::string Bar(uint64_t count, uint64_t max) {
  static const char* const kEighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  const uint64_t eighths =
      max == 0 ? 0 : std::max<uint64_t>(count > 0 ? 1 : 0, count * kBarCells * 8 / max);
  std::string bar;
  for (uint64_t i = 0; i < eighths / 8; ++i) bar += "█";
  bar += kEighths[eighths % 8];
  const size_t cells = eighths / 8 + (eighths % 8 != 0 ? 1 : 0);
  bar.append(kBarCells - std::min(cells, kBarCells), ' ');
  return bar;
}

std::string Percent(uint64_t part, uint64_t whole) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%5.1f%%", whole == 0 ? 0.0 : 100.0 * part / whole);
  return buf;
}

std::string PadLeft(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string Values(const Report& report, const OutcomeCount& outcome) {
  if (report.terms.empty()) return "(the deck has no outcome terms)";
  std::string s;
  for (size_t i = 0; i < report.terms.size() && i < outcome.values.size(); ++i) {
    if (i > 0) s += ' ';
    s += report.terms[i] + "=" + std::to_string(outcome.values[i]);
  }
  return s;
}

}  // namespace

std::string ReportHistogram(const Report& report) {
  if (report.outcomes.empty()) return "no outcomes: no run completed\n";
  const uint64_t completed = report.runs - report.run_errors;
  std::string out = Plural(report.outcomes.size(), "outcome", "distinct outcomes") + " over " +
                    Plural(completed, "completed run", "completed runs") + ":\n";
  const uint64_t max = report.outcomes.front().count;
  const size_t count_width = std::to_string(max).size();
  const size_t shown = std::min(report.outcomes.size(), kMaxHistogramRows);
  for (size_t i = 0; i < shown; ++i) {
    const OutcomeCount& o = report.outcomes[i];
    out += "  " + PadLeft(std::to_string(o.count), count_width) + " " +
           Percent(o.count, completed) + "  " + Bar(o.count, max) + "  " + (o.expect ? "✓" : "✗") +
           "  " + Values(report, o) + "  (seed " + std::to_string(o.seed) + ")\n";
  }
  if (shown < report.outcomes.size()) {
    uint64_t rest = 0;
    for (size_t i = shown; i < report.outcomes.size(); ++i) rest += report.outcomes[i].count;
    out += "  … " + Plural(report.outcomes.size() - shown, "more outcome", "more outcomes") + " (" +
           Plural(rest, "run", "runs") + "); --format json lists them all\n";
  }
  return out;
}

std::string ReportVerdict(const Report& report) {
  const std::string of = "/" + std::to_string(report.runs);
  if (ReportExitCode(report) == 0) {
    const std::string all = std::to_string(report.runs) + of;
    if (report.expects.empty()) {
      return "PASS: " + all + " runs completed without an order violation (the deck has no " +
             "expect lines; " + Plural(report.outcomes.size(), "outcome", "outcomes") + ")";
    }
    if (report.outcomes.size() == 1) {
      return "PASS: " + all + " runs ended in one outcome that meets every expect";
    }
    return "PASS: " + all + " runs met every expect (" +
           Plural(report.outcomes.size(), "outcome", "distinct outcomes") + ")";
  }
  std::vector<std::string> parts;
  if (report.expect_failures > 0) {
    parts.push_back(std::to_string(report.expect_failures) + of + " runs broke an expect");
  }
  if (report.order_violations > 0) {
    parts.push_back(std::to_string(report.order_violations) + of +
                    " runs had an await miss its callback");
  }
  if (report.run_errors > 0) {
    parts.push_back(std::to_string(report.run_errors) + of + " runs stopped on a run error");
  }
  if (report.reachable && !report.reachable->impossible.empty()) {
    parts.push_back(Plural(report.reachable->impossible.size(), "outcome", "outcomes") +
                    " that no schedule reaches (a cardflow bug)");
  }
  std::string verdict = "FAIL: ";
  for (size_t i = 0; i < parts.size(); ++i) verdict += (i > 0 ? ", " : "") + parts[i];
  return verdict;
}

namespace {

// A witness schedule as the text report shows it: whole up to
// kMaxWitnessChars, else its first steps and how many there are (a ring of
// 100,000 stacks has 400,000 steps; the JSON report keeps them all).
constexpr size_t kMaxWitnessChars = 160;

std::string WitnessText(const std::string& schedule) {
  if (schedule.size() <= kMaxWitnessChars) return schedule;
  const size_t cut = schedule.rfind(' ', kMaxWitnessChars);
  const size_t steps = static_cast<size_t>(std::count(schedule.begin(), schedule.end(), ' ')) + 1;
  return schedule.substr(0, cut) + " ... (" + std::to_string(steps) +
         " steps: --format json has them all)";
}

}  // namespace

std::string ReportToText(const Report& report) {
  std::string out = report.deck + " · ordering " + OrderingName(report.ordering) + " · " +
                    RunsAndSeeds(report) + " · placement " + PlacementText(report) + "\n";
  for (const std::string& e : report.expects) out += "expect " + e + "\n";
  out += "\n";
  out += ReportHistogram(report);
  out += "\n";
  const size_t witnesses = std::min(report.outcomes.size(), kMaxHistogramRows);
  if (witnesses > 0 && !report.outcomes.front().schedule.empty()) {
    out += report.shuffle == Shuffle::kNetwork
               ? "witnesses (network order: replay the schedule with --schedule FILE, on any "
                 "placement; the seed alone does not):\n"
               : "witnesses (replay with --seed S --runs 1, or the schedule with --schedule "
                 "FILE):\n";
    for (size_t i = 0; i < witnesses; ++i) {
      const OutcomeCount& o = report.outcomes[i];
      out += "  " + Values(report, o) + "  seed " + std::to_string(o.seed) + ": " +
             WitnessText(o.schedule) + "\n";
    }
    out += "\n";
  }
  out += "expect failures " + std::to_string(report.expect_failures) + " · order violations " +
         std::to_string(report.order_violations) + " · run errors " +
         std::to_string(report.run_errors);
  if (report.wall_seconds > 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " · %.2f s", report.wall_seconds);
    out += buf;
  }
  out += "\n";
  if (!report.errors.empty()) {
    out += report.errors.size() < report.run_errors
               ? "first " + std::to_string(report.errors.size()) + " run errors:\n"
               : std::string("run errors:\n");
    for (const std::string& e : report.errors) out += "  " + e + "\n";
  }
  if (report.reachable) {
    const Reachability& r = *report.reachable;
    const uint64_t seen = r.outcomes - r.unseen.size();
    if (r.outcomes == 0) {
      out += "no outcome is reachable: every schedule stops on a run error";
    } else {
      out += std::to_string(seen) + " of " +
             Plural(r.outcomes, "reachable outcome", "reachable outcomes") + " seen";
    }
    if (!r.unseen.empty()) {
      out += "; never seen:";
      for (size_t i = 0; i < r.unseen.size() && i < 8; ++i) {
        OutcomeCount shown;
        shown.values = r.unseen[i];
        out += (i > 0 ? ", " : " ") + Values(report, shown);
      }
      if (r.unseen.size() > 8) out += ", …";
    }
    out += "\n";
    for (const auto& values : r.impossible) {
      OutcomeCount shown;
      shown.values = values;
      out += "cardflow bug: a run ended in " + Values(report, shown) +
             ", which `check` says no schedule reaches; please report it\n";
    }
  }
  if (!report.unreachable.empty()) {
    out += "unreachable at start (the runs started without them; their stacks ran elsewhere):\n";
    for (const std::string& why : report.unreachable) out += "  " + why + "\n";
  }
  if (!report.moved.empty()) {
    out +=
        "moved during a run (a node was lost mid-run: it died or shut down; its stacks went on "
        "elsewhere):\n";
    for (const std::string& m : report.moved) out += "  " + m + "\n";
  }
  if (!report.replaced.empty()) {
    out += "placed elsewhere for the runs that started while their node was down:\n";
    for (const std::string& m : report.replaced) out += "  " + m + "\n";
  }
  if (!report.rejoined.empty()) {
    out += "answered again (later runs placed their stacks there again):";
    for (size_t i = 0; i < report.rejoined.size(); ++i) {
      out += (i > 0 ? ", " : " ") + report.rejoined[i];
    }
    out += "\n";
  }
  out += ReportVerdict(report) + "\n";
  return out;
}

}  // namespace cardflow
