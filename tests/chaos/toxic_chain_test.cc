// ToxicChain: which toxics act on a connection, in what order, and how a
// change of the link's toxics reaches a connection that is already open.
#include "chaos/toxic_chain.h"

#include <gtest/gtest.h>

namespace cardflow::chaos {
namespace {

using std::chrono::milliseconds;

const Clock::time_point kT0 = Clock::time_point() + std::chrono::hours(1);

ToxicEntry Latency(const std::string& name, int64_t ms, uint64_t revision,
                   Stream stream = Stream::kDownstream, double toxicity = 1.0) {
  return ToxicEntry{ToxicSpec{name, stream, toxicity, LatencyParams{ms, 0}}, revision};
}

Clock::duration DelayOf(ToxicChain& chain, Clock::time_point arrival) {
  std::vector<Chunk> out;
  chain.Apply(Chunk{Bytes::CopyOf("x", 1), arrival}, out);
  return out.at(0).due - arrival;
}

TEST(ToxicChainTest, TakesOnlyItsStreamAndComposesInOrder) {
  ToxicChain chain(Stream::kDownstream, {1, 2, 3});
  const std::vector<ToxicEntry> toxics = {
      Latency("a", 10, 1), Latency("b", 1000, 2, Stream::kUpstream), Latency("c", 5, 3)};
  chain.Sync(toxics, kT0);
  EXPECT_EQ(chain.acting(), 2u);
  EXPECT_EQ(DelayOf(chain, kT0), milliseconds(15));
}

TEST(ToxicChainTest, AnEmptyChainPassesChunksThroughUntouched) {
  ToxicChain chain(Stream::kUpstream, {});
  EXPECT_EQ(DelayOf(chain, kT0), Clock::duration::zero());
}

TEST(ToxicChainTest, SyncKeepsUnchangedToxicsAndRebuildsChangedOnes) {
  // At 1 KB/s, 10 bytes take 10 ms; a second 10 bytes queue behind the
  // first only in the same instance, so the due time shows which it was.
  const auto bandwidth = [](uint64_t revision) {
    return ToxicEntry{ToxicSpec{"slow", Stream::kDownstream, 1.0, BandwidthParams{1}}, revision};
  };
  const auto due_of_ten_bytes = [](ToxicChain& chain) {
    std::vector<Chunk> out;
    chain.Apply(Chunk{Bytes::CopyOf("0123456789", 10), kT0}, out);
    return out.back().due;
  };
  ToxicChain chain(Stream::kDownstream, {});
  std::vector<ToxicEntry> toxics = {bandwidth(1)};
  chain.Sync(toxics, kT0);
  EXPECT_EQ(due_of_ten_bytes(chain), kT0 + milliseconds(10));
  toxics.push_back(Latency("other", 0, 2, Stream::kUpstream));  // "slow" does not change
  chain.Sync(toxics, kT0);
  EXPECT_EQ(due_of_ten_bytes(chain), kT0 + milliseconds(20));
  toxics[0] = bandwidth(3);  // "slow" changed: a fresh instance, an idle link
  chain.Sync(toxics, kT0);
  EXPECT_EQ(due_of_ten_bytes(chain), kT0 + milliseconds(10));
  chain.Sync({}, kT0);
  EXPECT_EQ(chain.acting(), 0u);
}

TEST(ToxicChainTest, ToxicityDecidesPerConnectionReproducibly) {
  const std::vector<ToxicEntry> toxics = {Latency("maybe", 10, 1, Stream::kDownstream, 0.5)};
  int acting = 0;
  std::vector<size_t> first_run;
  for (uint64_t connection = 0; connection < 400; ++connection) {
    ToxicChain chain(Stream::kDownstream, {9, 9, connection});
    chain.Sync(toxics, kT0);
    acting += static_cast<int>(chain.acting());
    first_run.push_back(chain.acting());
  }
  EXPECT_GT(acting, 150);
  EXPECT_LT(acting, 250);
  for (uint64_t connection = 0; connection < 400; ++connection) {
    ToxicChain chain(Stream::kDownstream, {9, 9, connection});
    chain.Sync(toxics, kT0);
    EXPECT_EQ(chain.acting(), first_run[connection]);
  }
}

TEST(ToxicChainTest, ToxicityZeroAndOneAreNeverAndAlways) {
  for (uint64_t connection = 0; connection < 100; ++connection) {
    ToxicChain chain(Stream::kDownstream, {1, 1, connection});
    const std::vector<ToxicEntry> toxics = {Latency("never", 10, 1, Stream::kDownstream, 0.0),
                                            Latency("always", 10, 2, Stream::kDownstream, 1.0)};
    chain.Sync(toxics, kT0);
    EXPECT_EQ(chain.acting(), 1u);
  }
}

TEST(ToxicChainTest, ReportsTheEarliestTerminationAndABlackhole) {
  ToxicChain chain(Stream::kUpstream, {});
  const std::vector<ToxicEntry> toxics = {
      {ToxicSpec{"late", Stream::kUpstream, 1.0, TimeoutParams{500}}, 1},
      {ToxicSpec{"soon", Stream::kUpstream, 1.0, TimeoutParams{200}}, 2}};
  chain.Sync(toxics, kT0);
  const std::optional<Termination> end = chain.NextTermination();
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(end->at, kT0 + milliseconds(200));
  EXPECT_FALSE(end->reset);
  std::vector<Chunk> out;
  EXPECT_FALSE(chain.Apply(Chunk{Bytes::CopyOf("x", 1), kT0}, out));
  EXPECT_TRUE(out.empty());
}

TEST(ToxicChainTest, ResetPeerDecidesAtItsFirstDataAndSlowCloseDelaysTheEnd) {
  ToxicChain chain(Stream::kDownstream, {});
  const std::vector<ToxicEntry> toxics = {
      {ToxicSpec{"slow", Stream::kDownstream, 1.0, SlowCloseParams{70}}, 1},
      {ToxicSpec{"reset", Stream::kDownstream, 1.0, ResetPeerParams{100}}, 2}};
  chain.Sync(toxics, kT0);
  EXPECT_FALSE(chain.NextTermination().has_value());
  EXPECT_EQ(chain.EofDue(kT0), kT0 + milliseconds(70));
  std::vector<Chunk> out;
  EXPECT_TRUE(chain.Apply(Chunk{Bytes::CopyOf("x", 1), kT0 + milliseconds(5)}, out));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(chain.NextTermination()->at, kT0 + milliseconds(105));
  EXPECT_FALSE(chain.Apply(Chunk{Bytes::CopyOf("y", 1), kT0 + milliseconds(9)}, out));
}

TEST(ToxicChainTest, AChangedLimitKeepsItsCount) {
  ToxicChain chain(Stream::kDownstream, {});
  chain.Sync({{{ToxicSpec{"cap", Stream::kDownstream, 1.0, LimitDataParams{100}}, 1}}}, kT0);
  std::vector<Chunk> out;
  chain.Apply(Chunk{Bytes::CopyOf("12345678", 8), kT0}, out);
  EXPECT_FALSE(chain.Ended());
  chain.Sync({{{ToxicSpec{"cap", Stream::kDownstream, 1.0, LimitDataParams{10}}, 2}}}, kT0);
  chain.Apply(Chunk{Bytes::CopyOf("abcdef", 6), kT0}, out);
  EXPECT_TRUE(chain.Ended());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].bytes.size(), 2u);
}

TEST(ToxicChainTest, AToxicAddedLaterStartsItsClockThen) {
  ToxicChain chain(Stream::kDownstream, {});
  chain.Sync({}, kT0);
  const std::vector<ToxicEntry> toxics = {
      {ToxicSpec{"reset", Stream::kDownstream, 1.0, TimeoutParams{100}}, 1}};
  chain.Sync(toxics, kT0 + std::chrono::seconds(5));
  EXPECT_EQ(chain.NextTermination()->at, kT0 + std::chrono::seconds(5) + milliseconds(100));
}

}  // namespace
}  // namespace cardflow::chaos
