// Outbox: one write in flight, what is added meanwhile merged into few
// messages, and `then` run exactly once when a closed Outbox is idle. The
// "stream" here is a vector of the messages written; the test completes each
// write itself (OnWriteDone), as a reactor's OnWriteDone would.
#include "proto/outbox.h"

#include <gtest/gtest.h>

#include <vector>

namespace cardflow {
namespace {

struct Msg {
  int serial = 0;          // set by init: the how-manieth fresh message
  std::vector<int> items;  // what fill added
};

class OutboxTest : public ::testing::Test {
 protected:
  Outbox<Msg> outbox_{[this](const Msg* msg) { written_.push_back(*msg); },
                      [this](Msg& msg) { msg.serial = ++fresh_; }, /*max_items=*/3};
  std::vector<Msg> written_;
  int fresh_ = 0;
  int closed_ = 0;
};

TEST_F(OutboxTest, WritesAtOnceWhenIdleAndMergesWhileAWriteIsInFlight) {
  ASSERT_TRUE(outbox_.Add(1, [](Msg& m) { m.items.push_back(1); }));
  ASSERT_EQ(written_.size(), 1u);  // idle: written at once
  for (int i = 2; i <= 5; ++i) ASSERT_TRUE(outbox_.Add(1, [i](Msg& m) { m.items.push_back(i); }));
  EXPECT_EQ(written_.size(), 1u);  // one write in flight at a time
  outbox_.OnWriteDone(true);
  ASSERT_EQ(written_.size(), 2u);
  EXPECT_EQ(written_[1].items, (std::vector<int>{2, 3, 4}));  // merged up to max_items
  outbox_.OnWriteDone(true);
  ASSERT_EQ(written_.size(), 3u);
  EXPECT_EQ(written_[2].items, (std::vector<int>{5}));
  EXPECT_EQ(written_[2].serial, 3);
  outbox_.OnWriteDone(true);
  EXPECT_EQ(written_.size(), 3u);
  EXPECT_FALSE(outbox_.closed());
}

TEST_F(OutboxTest, ASeparateMessageTakesNothingMergedAfterIt) {
  ASSERT_TRUE(outbox_.Add(1, [](Msg& m) { m.items.push_back(1); }));
  ASSERT_TRUE(outbox_.AddSeparate([](Msg& m) { m.items.push_back(9); }));
  ASSERT_TRUE(outbox_.Add(1, [](Msg& m) { m.items.push_back(2); }));
  outbox_.OnWriteDone(true);
  outbox_.OnWriteDone(true);
  ASSERT_EQ(written_.size(), 3u);
  EXPECT_EQ(written_[1].items, (std::vector<int>{9}));
  EXPECT_EQ(written_[2].items, (std::vector<int>{2}));
}

TEST_F(OutboxTest, CloseWithDrainWritesTheQueueThenRunsThenOnce) {
  ASSERT_TRUE(outbox_.Add(1, [](Msg& m) { m.items.push_back(1); }));
  ASSERT_TRUE(outbox_.Add(1, [](Msg& m) { m.items.push_back(2); }));
  outbox_.Close([this] { ++closed_; }, /*drain=*/true);
  EXPECT_TRUE(outbox_.closed());
  EXPECT_FALSE(outbox_.Add(1, [](Msg&) { ADD_FAILURE() << "filled after Close"; }));
  EXPECT_EQ(closed_, 0);  // a write is in flight
  outbox_.OnWriteDone(true);
  ASSERT_EQ(written_.size(), 2u);  // the queue was written
  EXPECT_EQ(closed_, 0);
  outbox_.OnWriteDone(true);
  EXPECT_EQ(closed_, 1);
  outbox_.Close([this] { closed_ += 10; }, /*drain=*/true);  // ignored
  EXPECT_EQ(closed_, 1);
}

TEST_F(OutboxTest, CloseWithoutDrainDropsTheQueue) {
  ASSERT_TRUE(outbox_.Add(1, [](Msg& m) { m.items.push_back(1); }));
  ASSERT_TRUE(outbox_.Add(1, [](Msg& m) { m.items.push_back(2); }));
  outbox_.Close([this] { ++closed_; }, /*drain=*/false);
  outbox_.OnWriteDone(true);
  EXPECT_EQ(written_.size(), 1u);
  EXPECT_EQ(closed_, 1);
}

TEST_F(OutboxTest, CloseWhenIdleRunsThenAtOnce) {
  outbox_.Close([this] { ++closed_; }, /*drain=*/true);
  EXPECT_EQ(closed_, 1);
  EXPECT_TRUE(written_.empty());
}

TEST_F(OutboxTest, AFailedWriteBreaksTheOutbox) {
  ASSERT_TRUE(outbox_.Add(1, [](Msg& m) { m.items.push_back(1); }));
  ASSERT_TRUE(outbox_.Add(1, [](Msg& m) { m.items.push_back(2); }));
  outbox_.OnWriteDone(false);
  EXPECT_EQ(written_.size(), 1u);  // the queue is dropped
  EXPECT_TRUE(outbox_.closed());
  EXPECT_FALSE(outbox_.Add(1, [](Msg&) {}));
  outbox_.Close([this] { ++closed_; }, /*drain=*/true);
  EXPECT_EQ(closed_, 1);
}

}  // namespace
}  // namespace cardflow
