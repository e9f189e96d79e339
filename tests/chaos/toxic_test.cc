// The toxics as planners over time, without a network: what leaves, when.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chaos/bandwidth_toxic.h"
#include "chaos/latency_toxic.h"
#include "chaos/limit_data_toxic.h"
#include "chaos/reset_peer_toxic.h"
#include "chaos/slicer_toxic.h"
#include "chaos/slow_close_toxic.h"
#include "chaos/timeout_toxic.h"

namespace cardflow::chaos {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

const Clock::time_point kT0 = Clock::time_point() + std::chrono::hours(1);

Chunk ChunkOf(const std::string& text, Clock::time_point due) {
  return Chunk{Bytes::CopyOf(text.data(), text.size()), due};
}

std::string Joined(const std::vector<Chunk>& chunks) {
  std::string text;
  for (const Chunk& c : chunks) text.append(c.bytes.data(), c.bytes.size());
  return text;
}

// The delays a latency toxic gives `n` chunks arriving a second apart (so
// none waits for the one before).
std::vector<Clock::duration> LatencyDelays(const LatencyParams& params, uint64_t seed, int n) {
  LatencyToxic toxic(params, Random(seed));
  std::vector<Clock::duration> delays;
  for (int i = 0; i < n; ++i) {
    std::vector<Chunk> out;
    const Clock::time_point arrival = kT0 + std::chrono::seconds(i);
    toxic.Transform(ChunkOf("x", arrival), out);
    delays.push_back(out.at(0).due - arrival);
  }
  return delays;
}

TEST(LatencyToxicTest, DelaysByTheLatency) {
  for (const Clock::duration delay : LatencyDelays({100, 0}, 1, 5))
    EXPECT_EQ(delay, milliseconds(100));
}

TEST(LatencyToxicTest, JitterStaysWithinItsRangeAndVaries) {
  const auto delays = LatencyDelays({50, 20}, 7, 200);
  Clock::duration lo = delays[0], hi = delays[0];
  for (const Clock::duration d : delays) {
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_GE(lo, milliseconds(30));
  EXPECT_LT(lo, milliseconds(35));
  EXPECT_LE(hi, milliseconds(70));
  EXPECT_GT(hi, milliseconds(65));
}

TEST(LatencyToxicTest, JitterIsReproducibleBySeed) {
  EXPECT_EQ(LatencyDelays({50, 40}, 42, 50), LatencyDelays({50, 40}, 42, 50));
  EXPECT_NE(LatencyDelays({50, 40}, 42, 50), LatencyDelays({50, 40}, 43, 50));
}

TEST(LatencyToxicTest, KeepsOrderWhenALaterDrawIsSmaller) {
  LatencyToxic toxic({10, 10}, Random(3));
  std::vector<Chunk> out;
  for (int i = 0; i < 1000; ++i)
    toxic.Transform(ChunkOf(std::to_string(i), kT0 + microseconds(i)), out);
  for (size_t i = 1; i < out.size(); ++i) EXPECT_GE(out[i].due, out[i - 1].due);
}

TEST(LatencyToxicTest, JitterLargerThanLatencyNeverGoesBackInTime) {
  LatencyToxic toxic({1, 50}, Random(5));
  for (int i = 0; i < 100; ++i) {
    std::vector<Chunk> out;
    const Clock::time_point arrival = kT0 + milliseconds(100 * i);
    toxic.Transform(ChunkOf("x", arrival), out);
    EXPECT_GE(out.at(0).due, arrival);
  }
}

TEST(BandwidthToxicTest, SpreadsBytesAtTheRate) {
  BandwidthToxic toxic({100});  // 100 KB/s: 1000 bytes per 10 ms piece
  std::vector<Chunk> out;
  const std::string data(10'000, 'b');
  toxic.Transform(ChunkOf(data, kT0), out);
  ASSERT_EQ(out.size(), 10u);
  EXPECT_EQ(Joined(out), data);
  for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i].due, kT0 + milliseconds(10 * (i + 1)));
  // The next chunk queues behind the first: 10,000 more bytes end at 200 ms.
  std::vector<Chunk> more;
  toxic.Transform(ChunkOf(data, kT0 + milliseconds(5)), more);
  EXPECT_EQ(more.back().due, kT0 + milliseconds(200));
}

TEST(BandwidthToxicTest, AnIdleLinkStartsAfresh) {
  BandwidthToxic toxic({1});  // 1000 B/s
  std::vector<Chunk> out;
  toxic.Transform(ChunkOf(std::string(5, 'x'), kT0), out);
  EXPECT_EQ(out.back().due, kT0 + milliseconds(5));
  out.clear();
  toxic.Transform(ChunkOf(std::string(5, 'x'), kT0 + std::chrono::seconds(1)), out);
  EXPECT_EQ(out.back().due, kT0 + std::chrono::seconds(1) + milliseconds(5));
}

TEST(SlicerToxicTest, SlicesWithinTheVariationDelayedInOrder) {
  SlicerToxic toxic({10, 4, 100}, Random(11));
  std::string data;
  for (int i = 0; i < 500; ++i) data += static_cast<char>('a' + i % 26);
  std::vector<Chunk> out;
  toxic.Transform(ChunkOf(data, kT0), out);
  EXPECT_EQ(Joined(out), data);
  EXPECT_GT(out.size(), 35u);
  for (size_t i = 0; i < out.size(); ++i) {
    if (i + 1 < out.size()) {  // the last piece takes what is left
      EXPECT_GE(out[i].bytes.size(), 6u);
      EXPECT_LE(out[i].bytes.size(), 14u);
    }
    EXPECT_EQ(out[i].due, kT0 + microseconds(100 * (i + 1)));
  }
}

TEST(SlicerToxicTest, ANewChunkWaitsForTheSlicesBeforeIt) {
  SlicerToxic toxic({1, 0, 1000}, Random(1));
  std::vector<Chunk> out;
  toxic.Transform(ChunkOf("abc", kT0), out);
  toxic.Transform(ChunkOf("de", kT0 + microseconds(10)), out);
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(Joined(out), "abcde");
  EXPECT_EQ(out[3].due, kT0 + milliseconds(4));
}

// As Toxiproxy: the clock starts at the first data, which (like all after
// it) is held back until the reset.
TEST(ResetPeerToxicTest, ResetsTheTimeoutAfterTheFirstDataAndHoldsTheData) {
  ResetPeerToxic toxic({250});
  EXPECT_FALSE(toxic.Attach(kT0).has_value());
  EXPECT_FALSE(toxic.termination().has_value());
  std::vector<Chunk> out;
  toxic.Transform(ChunkOf("data", kT0 + seconds(3)), out);
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(toxic.termination().has_value());
  EXPECT_EQ(toxic.termination()->at, kT0 + seconds(3) + milliseconds(250));
  EXPECT_TRUE(toxic.termination()->reset);
  toxic.Transform(ChunkOf("more", kT0 + seconds(4)), out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(toxic.termination()->at, kT0 + seconds(3) + milliseconds(250));
}

TEST(TimeoutToxicTest, DropsDataAndClosesOnlyWithATimeout) {
  TimeoutToxic forever({0});
  EXPECT_FALSE(forever.Attach(kT0).has_value());
  std::vector<Chunk> out;
  forever.Transform(ChunkOf("lost", kT0), out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(forever.EofDue(kT0), kT0);

  TimeoutToxic bounded({300});
  const std::optional<Termination> end = bounded.Attach(kT0);
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(end->at, kT0 + milliseconds(300));
  EXPECT_FALSE(end->reset);
}

TEST(SlowCloseToxicTest, PassesDataAndDelaysTheEnd) {
  SlowCloseToxic toxic({400});
  std::vector<Chunk> out;
  toxic.Transform(ChunkOf("data", kT0), out);
  EXPECT_EQ(Joined(out), "data");
  EXPECT_EQ(out.at(0).due, kT0);
  EXPECT_EQ(toxic.EofDue(kT0 + seconds(1)), kT0 + seconds(1) + milliseconds(400));
}

TEST(LimitDataToxicTest, CutsAtTheLimitAndEndsTheStream) {
  LimitDataToxic toxic({10});
  std::vector<Chunk> out;
  toxic.Transform(ChunkOf("abcdef", kT0), out);
  EXPECT_FALSE(toxic.ended());
  toxic.Transform(ChunkOf("ghijkl", kT0), out);
  EXPECT_EQ(Joined(out), "abcdefghij");
  EXPECT_TRUE(toxic.ended());
  toxic.Transform(ChunkOf("more", kT0), out);
  EXPECT_EQ(Joined(out), "abcdefghij");
}

TEST(LimitDataToxicTest, ZeroEndsAtTheFirstDataAndTheCountSurvivesAnUpdate) {
  LimitDataToxic zero({0});
  std::vector<Chunk> out;
  EXPECT_FALSE(zero.ended());
  zero.Transform(ChunkOf("x", kT0), out);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(zero.ended());

  LimitDataToxic before({100});
  before.Transform(ChunkOf("12345678", kT0), out);
  LimitDataToxic after({10});
  after.Inherit(before);
  after.Transform(ChunkOf("abcdef", kT0), out);
  EXPECT_EQ(Joined(out), "12345678ab");
  EXPECT_TRUE(after.ended());
}

}  // namespace
}  // namespace cardflow::chaos
