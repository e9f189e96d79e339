#include "common/trace/space_time_svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "common/trace/event_text.h"
#include "common/trace/html_escape.h"
#include "common/trace/node_groups.h"
#include "common/trace/vector_clock.h"

namespace cardflow {

namespace {

// Geometry, in SVG user units (CSS pixels).
constexpr int kGutter = 128;  // lane labels
constexpr int kTop = 34;      // time axis
constexpr int kColumn = 78;   // one event per column
constexpr int kLane = 70;     // a stack's lane
constexpr int kTableLane = 48;
constexpr int kBandGap = 8;  // between node bands
constexpr int kRight = 24;
constexpr int kRadius = 7;
constexpr size_t kLabelChars = 13;
constexpr size_t kLaneLabelChars = 14;
// Up to this many columns the page may shrink the diagram to fit its column;
// longer runs keep their size and scroll.
constexpr size_t kFitColumns = 16;

constexpr char kReadColor[] = "#2b6cb0";
constexpr char kWriteColor[] = "#c05621";
constexpr char kSendColor[] = "#2f855a";
constexpr char kAwaitColor[] = "#6b46c1";
constexpr char kMissColor[] = "#c53030";
constexpr char kPrintColor[] = "#4a5568";
constexpr char kAccessColor[] = "#a0aec0";

// At most `n` bytes of `s`, ending in "…" when cut (never inside a UTF-8
// sequence).
std::string Clip(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n - 1;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "…";
}

// The label over an event: EventTitle(), but a missed await says so in its
// detail line (the title must stay short).
std::string Title(const Program& program, const Event& e) {
  if (e.kind == EventKind::kAwait) return "await " + program.stacks[EventPeer(program, e)].name;
  return EventTitle(program, e);
}

// The second label line, under the title.
std::string Detail(const Program& program, const Event& e) {
  switch (e.kind) {
    case EventKind::kRead:
    case EventKind::kWrite:
      return fmt::format("= {}", e.value);
    case EventKind::kSend:
      return fmt::format("#{} v={}", e.seq, e.value);
    case EventKind::kArrive:
      return "from " + program.stacks[EventPeer(program, e)].name;
    case EventKind::kAwait:
      return e.seq == 0 ? "missed" : fmt::format("got #{} v={}", e.seq, e.value);
    case EventKind::kPrint:
      return std::to_string(e.value);
  }
  return {};
}

const char* Color(const Event& e) {
  switch (e.kind) {
    case EventKind::kRead:
      return kReadColor;
    case EventKind::kWrite:
      return kWriteColor;
    case EventKind::kSend:
    case EventKind::kArrive:
      return kSendColor;
    case EventKind::kAwait:
      return e.seq == 0 ? kMissColor : kAwaitColor;
    case EventKind::kPrint:
      return kPrintColor;
  }
  return kPrintColor;
}

struct Point {
  double x = 0;
  double y = 0;
};

// A straight arrow from a to b, both ends pulled in by the glyph radius so
// the arrow head stays visible.
std::string Arrow(Point a, Point b, const std::string& cls, const char* color, bool dashed,
                  const std::string& marker) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double length = std::max(1.0, std::hypot(dx, dy));
  const double pull = kRadius + 2.0;
  const Point from{a.x + dx / length * pull, a.y + dy / length * pull};
  const Point to{b.x - dx / length * pull, b.y - dy / length * pull};
  return fmt::format(
      "<path class=\"{}\" d=\"M{:.1f} {:.1f} L{:.1f} {:.1f}\" stroke=\"{}\" "
      "stroke-width=\"1.6\" fill=\"none\"{} marker-end=\"url(#{})\"/>\n",
      cls, from.x, from.y, to.x, to.y, color, dashed ? " stroke-dasharray=\"5 4\"" : "", marker);
}

}  // namespace

std::string SpaceTimeSvg(const Program& program,
                         const std::vector<std::pair<std::string, std::string>>& placement,
                         const RunResult& run, const SpaceTimeOptions& options) {
  const std::vector<Event>& events = run.events;
  const VectorClocks clocks(program, events);
  const size_t shown = std::min(options.max_events, clocks.order().size());
  const std::string p = HtmlEscape(options.id_prefix);

  // Rows: node bands of stack lanes, then the table's variable lanes.
  const std::vector<NodeGroup> groups = GroupStacksByNode(program, placement);
  std::vector<int> stack_y(program.stacks.size(), 0);
  std::vector<int> var_y(program.shared.size(), 0);
  const int width = kGutter + static_cast<int>(std::max<size_t>(shown, 1)) * kColumn + kRight;
  std::string bands, lanes;
  int y = kTop;
  for (size_t g = 0; g < groups.size(); ++g) {
    const int top = y;
    const int height = static_cast<int>(groups[g].stacks.size()) * kLane;
    const std::string label = groups[g].node == "local" ? "local" : "node " + groups[g].node;
    bands += fmt::format(
        "<g class=\"node\" data-node=\"{0}\"><rect x=\"0\" y=\"{1}\" width=\"{2}\" "
        "height=\"{3}\" rx=\"6\" fill=\"{4}\"/><text x=\"8\" y=\"{5}\" font-weight=\"bold\" "
        "fill=\"#2d3748\">{6}</text></g>\n",
        HtmlEscape(groups[g].node), top, width, height, g % 2 == 0 ? "#f4f7fb" : "#edf2f7",
        top + 16, HtmlEscape(label));
    for (StackId s : groups[g].stacks) {
      stack_y[s] = y + kLane / 2 + 8;
      const std::string& name = program.stacks[s].name;
      lanes += fmt::format(
          "<g class=\"lane\" data-lane=\"{0}\"><title>stack {0}</title><line x1=\"{1}\" "
          "y1=\"{2}\" x2=\"{3}\" y2=\"{2}\" stroke=\"#4a5568\" stroke-width=\"1.5\"/>"
          "<text x=\"16\" y=\"{4}\" fill=\"#1a202c\">{5}</text></g>\n",
          HtmlEscape(name), kGutter - 12, stack_y[s], width - kRight / 2, stack_y[s] + 4,
          HtmlEscape(Clip("stack " + name, kLaneLabelChars)));
      y += kLane;
    }
    y += kBandGap;
  }
  if (!program.shared.empty()) {
    bands += fmt::format(
        "<g class=\"node\" data-node=\"\"><rect x=\"0\" y=\"{0}\" width=\"{1}\" height=\"{2}\" "
        "rx=\"6\" fill=\"#fffaf0\"/><text x=\"8\" y=\"{3}\" font-weight=\"bold\" "
        "fill=\"#2d3748\">shared table</text></g>\n",
        y, width, static_cast<int>(program.shared.size()) * kTableLane + 14, y + 14);
    y += 14;
    for (VarId v = 0; v < program.shared.size(); ++v) {
      var_y[v] = y + kTableLane / 2 + 4;
      const SharedVar& var = program.shared[v];
      lanes += fmt::format(
          "<g class=\"table-lane\" data-lane=\"{0}\"><title>shared {0}, initially {5}</title>"
          "<line x1=\"{1}\" y1=\"{2}\" x2=\"{3}\" y2=\"{2}\" stroke=\"#c6a35a\" "
          "stroke-width=\"1\" stroke-dasharray=\"1 3\"/><text x=\"16\" y=\"{4}\" "
          "fill=\"#1a202c\">{6} <tspan fill=\"#718096\">= {5}</tspan></text></g>\n",
          HtmlEscape(var.name), kGutter - 12, var_y[v], width - kRight / 2, var_y[v] + 4,
          var.initial, HtmlEscape(Clip(var.name, kLaneLabelChars - 4)));
      y += kTableLane;
    }
  }
  const int height = y + 22;

  auto x_of = [&](size_t i) { return kGutter + static_cast<int>(clocks.rank(i)) * kColumn + 30; };
  auto at = [&](size_t i) {
    return Point{static_cast<double>(x_of(i)), static_cast<double>(stack_y[events[i].stack])};
  };

  std::string axis, arrows, marks;
  axis += fmt::format(
      "<text x=\"{}\" y=\"14\" fill=\"#718096\">time →  (causal order; numbers are Lamport "
      "times)</text>\n",
      kGutter - 12);
  std::map<std::pair<ChannelId, uint64_t>, size_t> sends, arrivals;
  for (size_t pos = 0; pos < shown; ++pos) {
    const size_t i = clocks.order()[pos];
    const Event& e = events[i];
    if (e.kind == EventKind::kSend) sends.emplace(std::pair(e.channel(), e.seq), i);
    if (e.kind == EventKind::kArrive) arrivals.emplace(std::pair(e.channel(), e.seq), i);
  }
  for (size_t pos = 0; pos < shown; ++pos) {
    const size_t i = clocks.order()[pos];
    const Event& e = events[i];
    const Point pt = at(i);
    axis += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"9\" "
        "fill=\"#a0aec0\">{}</text>\n",
        pt.x, kTop - 6, e.lamport);

    // Callback arrows: notify -> arrival (dashed), arrival -> await (arc).
    const auto key = std::pair(e.channel(), e.seq);
    if (e.kind == EventKind::kArrive) {
      auto send = sends.find(key);
      if (send != sends.end()) {
        arrows += Arrow(at(send->second), pt, "callback travel", kSendColor, true, p + "-send");
      }
    } else if (e.kind == EventKind::kAwait && e.seq != 0) {
      auto arrival = arrivals.find(key);
      if (arrival != arrivals.end()) {
        const Point a = at(arrival->second);
        arrows += fmt::format(
            "<path class=\"callback consume\" d=\"M{:.1f} {:.1f} Q{:.1f} {:.1f} {:.1f} "
            "{:.1f}\" stroke=\"{}\" stroke-width=\"1.6\" fill=\"none\" "
            "marker-end=\"url(#{}-await)\"/>\n",
            a.x + 4, a.y + kRadius, (a.x + pt.x) / 2, a.y + 30, pt.x - 4, pt.y + kRadius + 1,
            kAwaitColor, p);
      }
    }

    // Shared accesses: a connector to the variable's lane and a value mark.
    if (IsTableEvent(e.kind)) {
      const bool write = e.kind == EventKind::kWrite;
      const Point var{pt.x, static_cast<double>(var_y[e.var()])};
      arrows += Arrow(write ? pt : var, write ? var : pt, write ? "access write" : "access read",
                      kAccessColor, true, p + "-access");
      marks += fmt::format(
          "<g class=\"access-mark {0}\"><title>{1}</title><rect x=\"{2:.1f}\" y=\"{3:.1f}\" "
          "width=\"10\" height=\"10\" fill=\"{4}\" stroke=\"{5}\" stroke-width=\"1.5\"/>"
          "<text x=\"{6:.1f}\" y=\"{7:.1f}\" fill=\"{5}\">{8}</text></g>\n",
          write ? "write" : "read", HtmlEscape(DescribeEvent(program, e)), var.x - 5, var.y - 5,
          write ? kWriteColor : "#ffffff", write ? kWriteColor : kReadColor, var.x + 9, var.y + 4,
          HtmlEscape(Clip((write ? "=" : "") + std::to_string(e.value), kLabelChars)));
    }

    // The event itself.
    const char* color = Color(e);
    const std::string tooltip =
        EventCaption(program, e) + "\nvector clock " + ClockText(program, clocks.clock(i), 12);
    std::string glyph;
    if (e.kind == EventKind::kArrive) {
      glyph = fmt::format(
          "<polygon points=\"{0:.1f},{1:.1f} {2:.1f},{3:.1f} {0:.1f},{4:.1f} {5:.1f},{3:.1f}\" "
          "fill=\"#ffffff\" stroke=\"{6}\" stroke-width=\"2\"/>",
          pt.x, pt.y - kRadius, pt.x + kRadius, pt.y, pt.y + kRadius, pt.x - kRadius, color);
    } else if (e.kind == EventKind::kAwait && e.seq == 0) {
      glyph = fmt::format(
          "<circle cx=\"{0:.1f}\" cy=\"{1:.1f}\" r=\"{2}\" fill=\"#ffffff\" stroke=\"{3}\" "
          "stroke-width=\"2\"/><path d=\"M{4:.1f} {5:.1f} L{6:.1f} {7:.1f} M{4:.1f} {7:.1f} "
          "L{6:.1f} {5:.1f}\" stroke=\"{3}\" stroke-width=\"2\"/>",
          pt.x, pt.y, kRadius, color, pt.x - 4, pt.y - 4, pt.x + 4, pt.y + 4);
    } else {
      glyph = fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\"/>", pt.x, pt.y,
                          kRadius, color);
    }
    // The step that made it, for the page's stepper: `A:3` (stack A's card
    // 3; cards run once) or `A>B#1` (callback 1's arrival).
    const std::string step_key =
        e.kind == EventKind::kArrive
            ? fmt::format("{}>{}#{}", program.stacks[EventPeer(program, e)].name,
                          program.stacks[e.stack].name, e.seq)
            : fmt::format("{}:{}", program.stacks[e.stack].name, uint32_t{e.pc});
    marks += fmt::format(
        "<g class=\"ev {0}\" data-key=\"{9}\"><title>{1}</title>{2}<text x=\"{3:.1f}\" "
        "y=\"{4:.1f}\" "
        "text-anchor=\"middle\" fill=\"#1a202c\">{5}</text><text x=\"{3:.1f}\" y=\"{6:.1f}\" "
        "text-anchor=\"middle\" fill=\"{7}\">{8}</text></g>\n",
        EventKindName(e.kind), HtmlEscape(tooltip), glyph, pt.x, pt.y - 24,
        HtmlEscape(Clip(Title(program, e), kLabelChars)), pt.y - 12, color,
        HtmlEscape(Clip(Detail(program, e), kLabelChars)), HtmlEscape(step_key));
  }
  std::string footer;
  if (shown < clocks.order().size()) {
    footer = fmt::format(
        "<text class=\"clipped\" x=\"{}\" y=\"{}\" fill=\"#c53030\">first {} of {} events "
        "shown</text>\n",
        kGutter - 12, height - 6, shown, clocks.order().size());
  }

  auto marker = [&](const std::string& id, const char* color) {
    return fmt::format(
        "<marker id=\"{}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
        "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0 L10 5 L0 10 z\" "
        "fill=\"{}\"/></marker>",
        id, color);
  };
  return fmt::format(
      "<svg class=\"space-time{12}\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"system-ui, sans-serif\" font-size=\"11\" role=\"img\" "
      "aria-label=\"space-time diagram of run with seed {2}\">\n<defs>{3}{4}{5}</defs>\n"
      "{6}{7}{8}{9}{10}{11}</svg>\n",
      width, height, run.seed, marker(p + "-send", kSendColor), marker(p + "-await", kAwaitColor),
      marker(p + "-access", kAccessColor), bands, axis, lanes, arrows, marks, footer,
      shown <= kFitColumns ? " fit" : "");
}

}  // namespace cardflow
