// The issue's acceptance test for the verifier: the delivery path of local
// placement is wrapped by a deliberately broken one that swaps two callbacks
// on one channel, and the verifier catches it — even on a deck whose outcome
// cannot show the swap (both callbacks carry the same value). The same runs
// with the honest delivery are clean. Faults are injected by wrapping the
// CallbackDelivery interface (common/schedule/callback_delivery.h), never by
// #ifdef.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <utility>

#include "common/local/local_runner.h"
#include "common/schedule/callback_delivery.h"
#include "common/verify/verifier.h"
#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

using ::testing::HasSubstr;

// Two callbacks A -> B of equal value: every correct run ends in the same
// outcome, and so does a run whose callbacks were swapped.
constexpr char kTwoCallbacksDeck[] = R"(stack A:
    notify B 5
    notify B 5

stack B:
    await A -> first
    await A -> second

expect B.first == 5
expect B.second == 5
)";

// Wraps a delivery and breaks FIFO on one channel: callback #1 is held back
// until #2 has been sent, then #2 is let through before #1.
class SwapFirstTwo final : public CallbackDelivery {
 public:
  SwapFirstTwo(std::unique_ptr<CallbackDelivery> inner, ChannelId channel)
      : inner_(std::move(inner)), channel_(channel) {}

  void Sent(ChannelId channel, InFlightCallback callback) override {
    if (channel != channel_ || callback.seq > 2) return inner_->Sent(channel, callback);
    if (callback.seq == 1) {
      held_ = callback;
      return;
    }
    inner_->Sent(channel, callback);  // #2 first,
    inner_->Sent(channel, *held_);    // then #1
    held_.reset();
  }
  bool CanArrive(ChannelId channel) const override { return inner_->CanArrive(channel); }
  InFlightCallback Arrive(ChannelId channel) override { return inner_->Arrive(channel); }

 private:
  std::unique_ptr<CallbackDelivery> inner_;
  const ChannelId channel_;
  std::optional<InFlightCallback> held_;
};

DeliveryFactory Swapping() {
  return [](const Program& program) -> std::unique_ptr<CallbackDelivery> {
    return std::make_unique<SwapFirstTwo>(std::make_unique<FifoDelivery>(program), 0);
  };
}

class BrokenDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(program_.channels.size(), 1u); }
  const Program program_ = testing::MustLoad(kTwoCallbacksDeck);
};

TEST_F(BrokenDeliveryTest, HonestDeliveryVerifiesClean) {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    const RunResult run = RunLocalOnce(program_, Ordering::kCallbacks, seed);
    const Verdict verdict = VerifyRun(program_, run.events);
    EXPECT_TRUE(verdict.ok()) << "seed " << seed << ": "
                              << ::testing::PrintToString(verdict.faults);
    EXPECT_FALSE(run.error.has_value()) << run.error->message;
    EXPECT_TRUE(run.expect_ok);
  }
}

TEST_F(BrokenDeliveryTest, VerifierCatchesTwoSwappedCallbacks) {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    const RunResult run = RunLocalOnce(program_, Ordering::kCallbacks, seed, 1, Swapping());
    const Verdict verdict = VerifyRun(program_, run.events);
    // The FIFO fault, at the first arrival (callback #2 came first) ...
    ASSERT_FALSE(verdict.faults.empty()) << "seed " << seed;
    EXPECT_THAT(verdict.faults.front(),
                HasSubstr("arrived out of order or before it was sent: callback #2 from A "
                          "arrives at B"));
    // ... and the matching violation: B's first await consumed #2.
    EXPECT_EQ(verdict.order_violations, 2u) << "seed " << seed;
    // The runner itself refuses the run: a fault of the runtime, not an outcome.
    ASSERT_TRUE(run.error.has_value()) << "seed " << seed;
    EXPECT_THAT(run.error->message, HasSubstr("broke happens-before"));
    EXPECT_TRUE(run.order_violation);
  }
}

TEST_F(BrokenDeliveryTest, ReportCountsEveryBrokenRun) {
  LocalOptions options;
  options.runs = 200;
  options.threads = 2;
  const Report honest = RunLocal(program_, options);
  EXPECT_EQ(honest.run_errors, 0u);
  EXPECT_EQ(honest.order_violations, 0u);
  EXPECT_EQ(ReportExitCode(honest), 0);

  options.delivery = Swapping();
  const Report broken = RunLocal(program_, options);
  EXPECT_EQ(broken.run_errors, options.runs);
  EXPECT_EQ(broken.order_violations, options.runs);
  EXPECT_TRUE(broken.outcomes.empty());
  ASSERT_FALSE(broken.errors.empty());
  EXPECT_THAT(broken.errors.front(), HasSubstr("broke happens-before"));
  EXPECT_EQ(ReportExitCode(broken), 1);
}

}  // namespace
}  // namespace cardflow
