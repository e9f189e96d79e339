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
#include <utility>
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

// A and B notify each other: a channel each way.
constexpr char kPingPongDeck[] = R"(shared x = 0

stack A:
    notify B 1
    await B -> r
    write r -> x

stack B:
    await A -> p
    notify A 2
)";

ChannelId ChannelBetween(const Program& program, StackId from, StackId to) {
  for (ChannelId c = 0; c < program.channels.size(); ++c) {
    if (program.channels[c].from == from && program.channels[c].to == to) return c;
  }
  ADD_FAILURE() << "no channel " << from << "->" << to;
  return 0;
}

// The peer is not kept in an Event: EventPeer reads it off the channel, the
// receiver for a send and the sender for an arrival or an await, each way.
TEST(EventPeerTest, IsTheChannelsOtherEnd) {
  const Program program = testing::MustLoad(kPingPongDeck);
  ASSERT_EQ(program.channels.size(), 2u);
  for (const auto& [from, to] : {std::pair<StackId, StackId>{0, 1}, {1, 0}}) {
    const ChannelId c = ChannelBetween(program, from, to);
    const Channel& ends = program.channels[c];
    const Event send = Event::Send(c, ends, 0, 1, 7, 1);
    const Event arrive = Event::Arrive(c, ends, 1, 7, 2);
    const Event await = Event::Await(c, ends, 1, 1, 7, 3);
    const Event missed = Event::Await(c, ends, 1, 0, 0, 3);
    EXPECT_EQ(send.stack, from);
    EXPECT_EQ(EventPeer(program, send), to);
    EXPECT_EQ(arrive.stack, to);
    EXPECT_EQ(EventPeer(program, arrive), from);
    EXPECT_EQ(await.stack, to);
    EXPECT_EQ(EventPeer(program, await), from);
    EXPECT_EQ(EventPeer(program, missed), from);
  }
}

TEST(EventPeerTest, DescriptionsNameThePeer) {
  const Program program = testing::MustLoad(kPingPongDeck);
  const ChannelId ab = ChannelBetween(program, 0, 1);
  const ChannelId ba = ChannelBetween(program, 1, 0);
  EXPECT_EQ(DescribeEvent(program, Event::Send(ab, program.channels[ab], 0, 1, 1, 1)),
            "A send #1 to B value 1 (card 1)");
  EXPECT_EQ(DescribeEvent(program, Event::Arrive(ab, program.channels[ab], 1, 1, 2)),
            "callback #1 from A arrives at B");
  EXPECT_EQ(DescribeEvent(program, Event::Await(ab, program.channels[ab], 0, 1, 1, 3)),
            "B await A got #1 value 1 (card 1)");
  EXPECT_EQ(DescribeEvent(program, Event::Send(ba, program.channels[ba], 1, 1, 2, 4)),
            "B send #1 to A value 2 (card 2)");
  EXPECT_EQ(DescribeEvent(program, Event::Await(ba, program.channels[ba], 1, 0, 0, 5)),
            "A await B missed (card 2)");
  EXPECT_EQ(DescribeEvent(program, Event::Write(0, 2, 0, 2, 6)), "A write x=2 (card 3)");
  EXPECT_EQ(DescribeEvent(program, Event::Print(1, 3, 9, 7)), "B print 9 (card 4)");
}

// var and channel share a word: each kind is checked against the table it
// names, and the word's value is the id either way.
TEST(EventFitsTest, RefusesWhatTheDeckDoesNotHave) {
  const Program program = testing::MustLoad(kPingPongDeck);
  const Channel& ends = program.channels[0];
  EXPECT_TRUE(EventFits(program, Event::Write(0, 2, 0, 1, 1)));
  EXPECT_FALSE(EventFits(program, Event::Write(0, 2, 1, 1, 1)));  // one shared variable
  EXPECT_FALSE(EventFits(program, Event::Read(2, 0, 0, 0, 1)));   // two stacks
  EXPECT_TRUE(EventFits(program, Event::Send(1, ends, 0, 1, 1, 1)));
  EXPECT_FALSE(EventFits(program, Event::Send(2, ends, 0, 1, 1, 1)));
  EXPECT_FALSE(EventFits(program, Event::Arrive(2, ends, 1, 1, 1)));
  EXPECT_FALSE(EventFits(program, Event::Await(7, ends, 1, 1, 1, 1)));
  EXPECT_TRUE(EventFits(program, Event::Print(1, 0, 5, 1)));  // uses neither: any word
  Event unknown = Event::Print(0, 0, 5, 1);
  unknown.kind = static_cast<EventKind>(6);
  EXPECT_FALSE(EventFits(program, unknown));
}

TEST(EventTest, VarAndChannelShareAWord) {
  Event e;
  e.set_var(3);
  EXPECT_EQ(e.var(), 3u);
  e.set_channel(5);
  EXPECT_EQ(e.channel(), 5u);
  EXPECT_EQ(e.var(), 5u);
  e.pc = Event::kMaxPc;
  e.kind = EventKind::kPrint;
  EXPECT_EQ(e.pc, Event::kMaxPc);
  EXPECT_EQ(e.kind, EventKind::kPrint);
  static_assert(sizeof(Event) == 32);
}

}  // namespace
}  // namespace cardflow
