// VerifyRun on hand-made histories: one valid schedule of a small deck, and
// one broken copy of it per rule the verifier checks (program order, callback
// numbering, FIFO arrival, arrival after send, consumption after arrival,
// matching, the table's sequential consistency). Each case names what it
// breaks, how many order violations it must count and which faults it must
// report — so a verifier that stops checking one rule fails its case.
#include "common/verify/verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "tests/local/deck_fixture.h"
#include "tests/trace/event_builder.h"

namespace cardflow {
namespace {

// A sends B two callbacks; both touch x.
//   A: 0 read x   1 write 7 -> x   2 notify B 1   3 notify B 2
//   B: 0 await A  1 await A        2 read x
constexpr char kDeck[] = R"(shared x = 5

stack A:
    read x -> a
    write 7 -> x
    notify B 1
    notify B 2

stack B:
    await A -> p
    await A -> q
    read x -> b
)";

using History = std::function<std::vector<Event>(EventBuilder&)>;

struct Case {
  std::string name;
  History history;
  uint32_t order_violations = 0;
  std::vector<std::string> faults;  // a substring of each fault, in order; empty: none
};

// The valid schedule, as a local run with callbacks records it.
std::vector<Event> Valid(EventBuilder& b) {
  return {b.Read("A", "x", 5, 0),   b.Write("A", "x", 7, 1),    b.Send("A", "B", 1, 1, 2),
          b.Arrive("A", "B", 1, 1), b.Send("A", "B", 2, 2, 3),  b.Await("B", "A", 1, 1, 0),
          b.Arrive("A", "B", 2, 2), b.Await("B", "A", 2, 2, 1), b.Read("B", "x", 7, 2)};
}

std::vector<Case> Cases() {
  return {
      {"ValidSchedule", Valid, 0, {}},
      {"EmptyHistory", [](EventBuilder&) { return std::vector<Event>{}; }, 0, {}},
      {"ReadOfTheInitialValueAfterAWriteElsewhere",
       [](EventBuilder& b) {
         // B reads before A writes: x is still 5.
         return std::vector<Event>{b.Read("B", "x", 5, 2), b.Read("A", "x", 5, 0),
                                   b.Write("A", "x", 7, 1)};
       },
       0,
       {}},
      {"AwaitMissedItsCallback",  // `none` mode: an order violation, not a fault
       [](EventBuilder& b) {
         return std::vector<Event>{b.Send("A", "B", 1, 1, 2), b.Await("B", "A", 0, 0, 0),
                                   b.Arrive("A", "B", 1, 1), b.Await("B", "A", 1, 1, 1)};
       },
       2,
       {}},
      {"ProgramOrderBroken",
       [](EventBuilder& b) {
         return std::vector<Event>{b.Write("A", "x", 7, 1), b.Read("A", "x", 7, 0)};
       },
       0,
       {"program order broken: A read x=7 (card 1)"}},
      {"SendNumberingBroken",
       [](EventBuilder& b) { return std::vector<Event>{b.Send("A", "B", 2, 1, 2)}; },
       0,
       {"callback numbering broken"}},
      {"CallbacksReordered",  // #2 overtakes #1 and is consumed first
       [](EventBuilder& b) {
         return std::vector<Event>{b.Send("A", "B", 1, 1, 2),  b.Send("A", "B", 2, 2, 3),
                                   b.Arrive("A", "B", 2, 2),   b.Arrive("A", "B", 1, 1),
                                   b.Await("B", "A", 2, 2, 0), b.Await("B", "A", 1, 1, 1)};
       },
       2,
       {"arrived out of order or before it was sent: callback #2 from A arrives at B",
        "arrived out of order or before it was sent: callback #1 from A arrives at B"}},
      {"ArrivalBeforeSend",
       [](EventBuilder& b) {
         return std::vector<Event>{b.Arrive("A", "B", 1, 1), b.Send("A", "B", 1, 1, 2),
                                   b.Await("B", "A", 1, 1, 0)};
       },
       0,
       {"arrived out of order or before it was sent: callback #1"}},
      {"ConsumedBeforeArrival",
       [](EventBuilder& b) {
         return std::vector<Event>{b.Send("A", "B", 1, 1, 2), b.Await("B", "A", 1, 1, 0),
                                   b.Arrive("A", "B", 1, 1)};
       },
       0,
       {"consumed before it arrived: B await A got #1"}},
      {"AwaitGotTheWrongCallback",  // FIFO arrivals, but the second is taken first
       [](EventBuilder& b) {
         return std::vector<Event>{b.Send("A", "B", 1, 1, 2),  b.Send("A", "B", 2, 2, 3),
                                   b.Arrive("A", "B", 1, 1),   b.Arrive("A", "B", 2, 2),
                                   b.Await("B", "A", 2, 2, 0), b.Await("B", "A", 1, 1, 1)};
       },
       2,
       {}},
      {"StaleRead",  // B reads 5 after A wrote 7: not one atomic table
       [](EventBuilder& b) {
         return std::vector<Event>{b.Read("A", "x", 5, 0), b.Write("A", "x", 7, 1),
                                   b.Read("B", "x", 5, 2)};
       },
       0,
       {"read does not see the latest write (x held 7): B read x=5 (card 3)"}},
      {"ReadOfAValueNeverWritten",
       [](EventBuilder& b) { return std::vector<Event>{b.Read("A", "x", 6, 0)}; },
       0,
       {"read does not see the latest write (x held 5): A read x=6"}},
      {"EventNamingNothing",
       [](EventBuilder& b) {
         Event e = b.Read("A", "x", 5, 0);
         e.stack = 9;
         return std::vector<Event>{e};
       },
       0,
       {"event names nothing in the deck: read of stack #9"}},
  };
}

class VerifierTest : public ::testing::TestWithParam<Case> {};

TEST_P(VerifierTest, Verdict) {
  const Case& c = GetParam();
  const Program program = testing::MustLoad(kDeck);
  ASSERT_EQ(program.stacks.size(), 2u);
  EventBuilder builder(program);
  const Verdict verdict = VerifyRun(program, c.history(builder));
  EXPECT_EQ(verdict.order_violations, c.order_violations);
  ASSERT_EQ(verdict.faults.size(), c.faults.size()) << ::testing::PrintToString(verdict.faults);
  for (size_t i = 0; i < c.faults.size(); ++i) {
    EXPECT_THAT(verdict.faults[i], ::testing::HasSubstr(c.faults[i]));
  }
  EXPECT_EQ(verdict.ok(), c.order_violations == 0 && c.faults.empty());
}

INSTANTIATE_TEST_SUITE_P(Histories, VerifierTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace cardflow
