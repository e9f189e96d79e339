// The HTML report as text: the expected elements are there, it refers to
// nothing outside itself, and every piece of text is escaped.
#include "common/trace/html_report.h"

#include <gtest/gtest.h>

#include "common/trace/space_time_svg.h"
#include "tests/litmus_decks.h"
#include "tests/trace/event_builder.h"
#include "tests/trace/trace_fixture.h"

namespace cardflow {
namespace {

using testing::MustLoad;
using testing::MustLoadExample;
using testing::NaiveAndCallbacks;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Nothing from elsewhere; one inline script, and inline JSON: one block for
// the deck and one per section.
void ExpectSelfContained(const std::string& html, size_t sections) {
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(Count(html, "<script>"), 1u);
  EXPECT_EQ(Count(html, "<script type=\"application/json\""), sections + 1);
  EXPECT_EQ(Count(html, "<script"), sections + 2);
  EXPECT_EQ(Count(html, "</script>"), sections + 2);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("url(http"), std::string::npos);
}

TEST(HtmlReportTest, TransferNaiveAndCallbacksSideBySide) {
  const Program program = MustLoadExample("transfer.deck");
  const std::vector<HtmlSection> sections = NaiveAndCallbacks("transfer.deck");
  const std::string html = HtmlReport(program, sections);

  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  ExpectSelfContained(html, 2);
  EXPECT_NE(html.find("<main class=\"sections cols-2\">"), std::string::npos);
  EXPECT_EQ(Count(html, "<section class=\"report-section\""), 2u);
  EXPECT_NE(html.find("--ordering none (naive)"), std::string::npos);
  EXPECT_NE(html.find("--ordering callbacks"), std::string::npos);

  // One diagram per section, one lane per stack in each, one table lane.
  EXPECT_EQ(Count(html, "<svg class=\"space-time"), 2u);
  EXPECT_EQ(Count(html, "<g class=\"lane\""), 2 * program.stacks.size());
  EXPECT_EQ(Count(html, "<g class=\"lane\" data-lane=\"A\">"), 2u);
  EXPECT_EQ(Count(html, "<g class=\"lane\" data-lane=\"B\">"), 2u);
  EXPECT_EQ(Count(html, "<g class=\"table-lane\" data-lane=\"balance\">"), 2u);
  // Marker ids are distinct per diagram.
  EXPECT_EQ(Count(html, "id=\"st1-send\""), 1u);
  EXPECT_EQ(Count(html, "id=\"st2-send\""), 1u);

  // A histogram row per outcome of each report; naive has wrong outcomes.
  size_t outcomes = 0;
  for (const HtmlSection& s : sections) outcomes += s.report.outcomes.size();
  EXPECT_EQ(Count(html, "<tr class=\"outcome "), outcomes);
  EXPECT_GT(sections[0].report.outcomes.size(), 1u);
  EXPECT_EQ(sections[1].report.outcomes.size(), 1u);
  EXPECT_NE(html.find("<code>balance=300</code>"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"outcome fail\" data-outcome=\""), std::string::npos);
  EXPECT_EQ(Count(html, " data-outcome=\"0\">"), 2u);  // a row 0 in each section
  EXPECT_EQ(Count(html, "<div class=\"stepper\" data-section=\"0\">"), 1u);
  EXPECT_EQ(Count(html, "<div class=\"stepper\" data-section=\"1\">"), 1u);
  EXPECT_NE(html.find("<p class=\"verdict fail\">FAIL"), std::string::npos);
  EXPECT_NE(html.find("<p class=\"verdict pass\">PASS"), std::string::npos);

  // The callbacks sample shows the callback travelling and being consumed.
  // (In the naive sample it may still be in flight when the run ends: then
  // it never arrives, DECK.md "Schedules".)
  EXPECT_GE(Count(html, "class=\"callback travel\""), 1u);
  EXPECT_GE(Count(html, "class=\"callback consume\""), 1u);
  EXPECT_GE(Count(html, "<g class=\"access-mark write\">"), 4u);
}

// Stepping together is asked for, and only marked where there is more than
// one pane to move.
TEST(HtmlReportTest, SteppingTogetherMarksTheColumns) {
  const Program program = MustLoadExample("transfer.deck");
  const std::vector<HtmlSection> sections = NaiveAndCallbacks("transfer.deck");
  const std::string together = HtmlReport(program, sections, HtmlStepping::kTogether);
  EXPECT_NE(together.find("<main class=\"sections cols-2\" data-together>"), std::string::npos);
  EXPECT_NE(together.find("side by side step together"), std::string::npos);  // "Reading this page"
  ExpectSelfContained(together, 2);
  const std::string one = HtmlReport(program, {sections[0]}, HtmlStepping::kTogether);
  EXPECT_NE(one.find("<main class=\"sections\">"), std::string::npos);
  EXPECT_EQ(one.find("side by side step together"), std::string::npos);
  EXPECT_EQ(one, HtmlReport(program, {sections[0]}));
}

TEST(HtmlReportTest, EscapesEveryText) {
  Program program = MustLoad(R"(
shared v
stack A:
    write 1 -> v
    print 2
)");
  program.file = "<b>evil & \"deck\".deck";
  HtmlSection section;
  section.title = "<script>alert('x')</script>";
  section.report.deck = program.file;
  section.report.runs = 1;
  section.report.placement = {{"A", "<node>"}};
  section.report.terms = {"v"};
  section.report.expects = {"v < 2"};
  section.report.outcomes = {{{1}, 1, true}};
  section.report.errors = {"run 1: <boom>"};
  RunResult run = RunLocalOnce(program, Ordering::kCallbacks, 1);
  run.log = {"A: <2>"};
  section.sample = run;
  const std::string html = HtmlReport(program, {section});
  ExpectSelfContained(html, 1);
  // In the JSON blocks, '<' is written \u003c: no text can close the block.
  EXPECT_NE(html.find("\\u003cscript>alert('x')\\u003c/script>"), std::string::npos);
  EXPECT_EQ(html.find("<b>evil"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;evil &amp; &quot;deck&quot;.deck"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("node &lt;node&gt;"), std::string::npos);
  EXPECT_NE(html.find("<code>v &lt; 2</code>"), std::string::npos);
  EXPECT_NE(html.find("run 1: &lt;boom&gt;"), std::string::npos);
  EXPECT_NE(html.find("A: &lt;2&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<node>"), std::string::npos);
  EXPECT_EQ(html.find("<boom>"), std::string::npos);
  EXPECT_EQ(html.find("class=\"sections cols-2\""), std::string::npos);  // one column
}

// A 100-stack deck's 10,000-step run (every outcome row's witness the drawn
// run) makes a page under 2 MB: the deck listing names each stack's first
// cards and counts the rest, and the diagram's tooltips list a dozen clock
// entries and count the rest.
TEST(HtmlReportTest, WideLongRunPageStaysUnder2MB) {
  std::string text = "shared x = 0\n";
  for (int i = 1; i <= 100; ++i) {
    text += "stack S" + std::to_string(i) +
            ":\n    repeat 50:\n        read x -> r\n        add r 1\n        write r -> x\n";
  }
  const Program program = MustLoad(text);
  LocalOptions options;
  options.runs = 1;
  HtmlSection section;
  section.title = "--ordering callbacks";
  section.report = RunLocal(program, options);
  section.sample = RunLocalOnce(program, Ordering::kCallbacks, 1);
  ASSERT_EQ(section.sample->schedule.size(), 10'000u);
  section.witnesses = testing::WitnessesOf(program, section.report);
  const std::string html = HtmlReport(program, {section});
  EXPECT_LT(html.size(), 2'000'000u);
  ExpectSelfContained(html, 1);
  EXPECT_EQ(Count(html, "more cards\n"), 100u);
  EXPECT_EQ(Count(html, "    # … 140 more cards\n"), 100u);  // 10 of 150 cards listed
  EXPECT_GT(Count(html, " more</title>"), 0u);               // a clock of many entries
  EXPECT_EQ(html.find("vector clock {"), std::string::npos);
}

TEST(HtmlReportTest, NoSectionsStillMakesAPage) {
  const Program program = MustLoadExample("ring.deck");
  const std::string html = HtmlReport(program, {});
  ExpectSelfContained(html, 0);
  EXPECT_NE(html.find("Nothing to show"), std::string::npos);
  EXPECT_NE(html.find("stack A:"), std::string::npos);  // the deck is still listed
}

TEST(SpaceTimeSvgTest, LanesGroupedByNodeAndMissedAwaitMarked) {
  const Program program = MustLoad(testing::kMissedDeck, Ordering::kNone);
  EventBuilder b(program);
  RunResult run;
  run.events = {b.Read("B", "flag", 0, 0), b.Await("B", "A", 0, 0, 1), b.Send("A", "B", 1, 7, 0),
                b.Write("A", "flag", 1, 1), b.Arrive("A", "B", 1, 7)};
  const std::string svg = SpaceTimeSvg(program, {{"A", "X"}, {"B", "Y"}}, run);
  EXPECT_EQ(svg.rfind("<svg class=\"space-time", 0), 0u);
  EXPECT_EQ(Count(svg, "<g class=\"node\" data-node=\"X\">"), 1u);
  EXPECT_EQ(Count(svg, "<g class=\"node\" data-node=\"Y\">"), 1u);
  EXPECT_EQ(Count(svg, "<g class=\"lane\""), 2u);
  EXPECT_EQ(Count(svg, "<g class=\"ev "), 5u);
  EXPECT_EQ(Count(svg, ">missed</text>"), 1u);
  EXPECT_EQ(Count(svg, "class=\"callback travel\""), 1u);
  EXPECT_EQ(Count(svg, "class=\"callback consume\""), 0u);
  EXPECT_EQ(svg.find("http"), std::string::npos);

  SpaceTimeOptions options;
  options.max_events = 2;
  const std::string clipped = SpaceTimeSvg(program, {}, run, options);
  EXPECT_EQ(Count(clipped, "<g class=\"ev "), 2u);
  EXPECT_NE(clipped.find("first 2 of 5 events shown"), std::string::npos);
}

}  // namespace
}  // namespace cardflow
