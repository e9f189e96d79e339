// Outbox's bound on counted messages (AddCounted): kFull past the bound,
// `drained` once the writes bring the unsent bytes to half of it, or once
// the Outbox closes or breaks.
#include <gtest/gtest.h>

#include <vector>

#include "proto/outbox.h"

namespace cardflow {
namespace {

struct Msg {
  std::vector<int> items;
};

using Room = Outbox<Msg>::Room;

class OutboxBoundTest : public ::testing::Test {
 protected:
  void SetUp() override {
    outbox_.SetBound(/*max_unsent_bytes=*/100, [this] { ++drained_; });
  }

  // A counted message of `bytes` bytes.
  Room Add(size_t bytes) {
    return outbox_.AddCounted([bytes](Msg& m) {
      m.items.push_back(static_cast<int>(bytes));
      return bytes;
    });
  }

  Outbox<Msg> outbox_{[this](const Msg* msg) { written_.push_back(*msg); }, [](Msg&) {},
                      /*max_items=*/3};
  std::vector<Msg> written_;
  int drained_ = 0;
};

TEST_F(OutboxBoundTest, FullPastTheBoundAndDrainedOnceAtHalfOfIt) {
  EXPECT_EQ(Add(40), Room::kRoom);  // written at once, still unsent until done
  EXPECT_EQ(Add(40), Room::kRoom);
  EXPECT_EQ(Add(40), Room::kFull);  // 120 > 100, queued all the same
  EXPECT_EQ(Add(10), Room::kFull);
  EXPECT_EQ(outbox_.unsent_bytes(), 130u);
  // Counted messages are never merged: one write each.
  ASSERT_TRUE(outbox_.Add(1, [](Msg& m) { m.items.push_back(-1); }));
  outbox_.OnWriteDone(true);  // 90 unsent: over half
  EXPECT_EQ(drained_, 0);
  outbox_.OnWriteDone(true);  // 50: half
  EXPECT_EQ(drained_, 1);
  outbox_.OnWriteDone(true);
  outbox_.OnWriteDone(true);
  outbox_.OnWriteDone(true);
  EXPECT_EQ(drained_, 1);  // once per time it was full
  EXPECT_EQ(outbox_.unsent_bytes(), 0u);
  ASSERT_EQ(written_.size(), 5u);
  EXPECT_EQ(written_[3].items, (std::vector<int>{10}));
  EXPECT_EQ(written_[4].items, (std::vector<int>{-1}));
}

TEST_F(OutboxBoundTest, UncountedMessagesDoNotCount) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(outbox_.Add(1, [](Msg& m) { m.items.push_back(0); }));
  EXPECT_EQ(outbox_.unsent_bytes(), 0u);
  EXPECT_EQ(Add(60), Room::kRoom);
  EXPECT_EQ(outbox_.unsent_bytes(), 60u);
}

TEST_F(OutboxBoundTest, ABrokenStreamOwesNoWaitAndTakesNoMore) {
  EXPECT_EQ(Add(200), Room::kFull);
  outbox_.OnWriteDone(false);
  EXPECT_EQ(drained_, 1);  // nothing will be written: whoever waits goes on
  EXPECT_EQ(Add(1), Room::kClosed);
  EXPECT_EQ(outbox_.unsent_bytes(), 0u);
}

TEST_F(OutboxBoundTest, ClosingReleasesWhoWaits) {
  EXPECT_EQ(Add(200), Room::kFull);
  EXPECT_EQ(Add(200), Room::kFull);
  int closed = 0;
  outbox_.Close([&] { ++closed; }, /*drain=*/false);
  EXPECT_EQ(drained_, 1);
  EXPECT_EQ(closed, 0);  // a write is in flight
  outbox_.OnWriteDone(true);
  EXPECT_EQ(closed, 1);
  EXPECT_EQ(outbox_.unsent_bytes(), 0u);
}

}  // namespace
}  // namespace cardflow
