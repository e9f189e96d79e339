#include "coordinator/cluster/run_table.h"

#include <gtest/gtest.h>

#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

using testing::MustLoad;

constexpr char kDeck[] = R"(
shared s = 5
stack A:
    read s -> a
    write 7 -> s
stack B:
    read s -> b
)";

msg::TableRequest Request(StackId stack, uint32_t pc, bool write, int64_t value, uint64_t lamport) {
  return msg::TableRequest{stack,     pc,    write ? msg::TableOp::kWrite : msg::TableOp::kRead,
                           /*var=*/0, value, lamport};
}

TEST(RunTableTest, OperationsAreAtomicAndStampedAfterTheirStackAndEachOther) {
  const Program program = MustLoad(kDeck);
  RunTable table(program);
  std::vector<Event> events;
  const std::vector<bool> all = {true, true};
  auto read = table.Apply(Request(0, 0, false, 0, 10), all, events);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->value, 5);
  EXPECT_EQ(read->lamport, 11u);
  auto write = table.Apply(Request(0, 1, true, 7, 11), all, events);
  ASSERT_TRUE(write.ok());
  EXPECT_EQ(write->lamport, 12u);
  auto other =
      table.Apply(Request(1, 0, false, 0, 1), all, events);  // an earlier clock still comes after
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->value, 7);
  EXPECT_EQ(other->lamport, 13u);
  EXPECT_EQ(table.values(), std::vector<int64_t>{7});
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].kind, EventKind::kWrite);
  EXPECT_EQ(events[1].value, 7);
  EXPECT_EQ(events[2].lamport, 13u);
}

TEST(RunTableTest, RequestsThatDoNotMatchTheDeckAreRejected) {
  const Program program = MustLoad(kDeck);
  RunTable table(program);
  std::vector<Event> events;
  const std::vector<bool> only_a = {true, false};
  EXPECT_EQ(table.Apply(Request(1, 0, false, 0, 0), only_a, events).status().code(),
            StatusCode::kInvalidArgument);  // B is not on that node
  EXPECT_FALSE(table.Apply(Request(0, 0, true, 1, 0), only_a, events).ok());   // card 1 reads
  EXPECT_FALSE(table.Apply(Request(0, 9, false, 0, 0), only_a, events).ok());  // no card 10
  EXPECT_FALSE(table.Apply(Request(7, 0, false, 0, 0), only_a, events).ok());  // no stack 7
  EXPECT_EQ(table.values(), std::vector<int64_t>{5});
}

// Under the network shuffle a node asks only for reads, writes and await
// decisions; a step op (seeded shuffle) on a read card is not served as a read.
TEST(RunTableTest, AStepOpIsNotServedAsARead) {
  const Program program = MustLoad(kDeck);
  RunTable table(program);
  std::vector<Event> events;
  const std::vector<bool> all = {true, true};
  msg::TableRequest print = Request(0, 0, false, 0, 0);
  print.op = msg::TableOp::kPrint;
  auto refused = table.Apply(print, all, events);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(),
            "stack id 0 asks the table for a step (print), which only runs under the seeded "
            "shuffle ask for");
  EXPECT_TRUE(events.empty());
}

// A stack started over on another node asks again: it gets what it got the
// first time, and nothing is applied twice.
TEST(RunTableTest, ARepeatedRequestGetsTheRecordedReplyAndChangesNothing) {
  const Program program = MustLoad(kDeck);
  RunTable table(program);
  std::vector<Event> events;
  const std::vector<bool> all = {true, true};
  ASSERT_TRUE(table.Apply(Request(0, 0, false, 0, 0), all, events).ok());  // A reads 5
  ASSERT_TRUE(table.Apply(Request(0, 1, true, 7, 1), all, events).ok());   // A writes 7
  auto replayed_read = table.Apply(Request(0, 0, false, 0, 0), all, events);
  ASSERT_TRUE(replayed_read.ok());
  EXPECT_EQ(replayed_read->value, 5);  // what it saw then, not the 7 there now
  EXPECT_EQ(replayed_read->lamport, 1u);
  auto replayed_write = table.Apply(Request(0, 1, true, 7, 1), all, events);
  ASSERT_TRUE(replayed_write.ok());
  EXPECT_EQ(replayed_write->lamport, 2u);
  EXPECT_EQ(events.size(), 2u);  // recorded once
  EXPECT_EQ(table.values(), std::vector<int64_t>{7});
}

TEST(RunTableTest, AReplayThatWritesSomethingElseIsRejected) {
  const Program program = MustLoad(kDeck);
  RunTable table(program);
  std::vector<Event> events;
  const std::vector<bool> all = {true, true};
  ASSERT_TRUE(table.Apply(Request(0, 1, true, 7, 0), all, events).ok());
  auto diverged = table.Apply(Request(0, 1, true, 8, 0), all, events);
  EXPECT_EQ(diverged.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(diverged.status().message().find("diverged"), std::string::npos);
  EXPECT_EQ(table.values(), std::vector<int64_t>{7});
}

}  // namespace
}  // namespace cardflow
