// Engine unit tests against a hand-written Effects: card semantics, the
// Done/Failed contract, cancellation and the idle callback.
#include "common/engine/engine.h"

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <mutex>

#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

using testing::MustLoad;

// Resumes every visible card at once: reads see `table`, awaits get 5 in
// callbacks mode. Optionally swallows awaits (leaves the stack suspended).
class ImmediateEffects final : public Effects {
 public:
  std::vector<int64_t> table = std::vector<int64_t>(4, 0);
  bool swallow_awaits = false;
  std::vector<StackId> done;
  std::vector<std::string> failures;
  int suspended = 0;

  void Read(Continuation k, uint32_t, VarId var) override { k.Resume(table[var]); }
  void Write(Continuation k, uint32_t, VarId var, int64_t v) override {
    table[var] = v;
    k.Resume(std::nullopt);
  }
  void Notify(Continuation k, uint32_t, ChannelId, int64_t) override { k.Resume(std::nullopt); }
  void Await(Continuation k, uint32_t, ChannelId) override {
    if (swallow_awaits) {
      ++suspended;
      return;
    }
    k.Resume(5);
  }
  void Print(Continuation k, uint32_t, int64_t) override { k.Resume(std::nullopt); }
  void Done(StackId stack) override { done.push_back(stack); }
  void Failed(StackId, uint32_t pc, const char* what) override {
    failures.push_back(std::to_string(pc) + ":" + what);
  }
};

TEST(EngineTest, RunsArithmeticReadsAndAwaits) {
  const Program program = MustLoad(R"(shared s = 3
stack A:
    read s -> a
    mul a 7
    sub a 1
    div a 4
    mod a 3
    write a -> s
    await B -> b
    add b a
stack B:
    notify A
)");
  ImmediateEffects effects;
  effects.table[0] = program.shared[0].initial;
  asio::io_context io;
  bool idle = false;
  Engine engine(program, {}, effects, io.get_executor());
  engine.Start([&] { idle = true; });
  io.run();
  EXPECT_TRUE(idle);
  EXPECT_TRUE(effects.failures.empty());
  EXPECT_EQ(effects.done.size(), 2u);
  // ((3*7-1)/4) % 3 = 5 % 3 = 2; b = 5 + 2.
  EXPECT_EQ(effects.table[0], 2);
  EXPECT_EQ(engine.Registers(0), (std::vector<int64_t>{2, 7}));
}

TEST(EngineTest, RunErrorReportsFailedNotDone) {
  const Program program = MustLoad("stack A:\n    set a 1\n    mod a 0\n    set a 9\n");
  ImmediateEffects effects;
  asio::io_context io;
  Engine engine(program, {}, effects, io.get_executor());
  bool idle = false;
  engine.Start([&] { idle = true; });
  io.run();
  EXPECT_TRUE(idle);
  EXPECT_TRUE(effects.done.empty());
  EXPECT_EQ(effects.failures, (std::vector<std::string>{"1:division by zero"}));
  EXPECT_EQ(engine.Registers(0)[0], 1);
}

TEST(EngineTest, SuspendedStacksKeepItBusyUntilCancelled) {
  const Program program =
      MustLoad("stack A:\n    await B\nstack B:\n    notify A\n    sleep 600000\n");
  ImmediateEffects effects;
  effects.swallow_awaits = true;
  asio::io_context io;
  auto engine =
      std::make_unique<Engine>(program, std::vector<StackId>{}, effects, io.get_executor());
  bool idle = false;
  engine->Start([&] { idle = true; });
  // Run until A is suspended in Effects and B sleeps on its timer.
  while (effects.suspended == 0) io.run_one();
  EXPECT_FALSE(idle);
  engine->Cancel();
  io.run();  // the cancelled timer completes; nothing is left
  EXPECT_TRUE(idle);
  EXPECT_TRUE(effects.done.empty());
  engine->Cancel();  // idempotent
}

TEST(EngineTest, RunsOnlyTheStacksItIsGiven) {
  const Program program =
      MustLoad("stack A:\n    set a 1\nstack B:\n    set b 2\nstack C:\n    set c 3\n");
  ImmediateEffects effects;
  asio::io_context io;
  Engine engine(program, {2, 0}, effects, io.get_executor());
  engine.Start([] {});
  io.run();
  EXPECT_EQ(effects.done, (std::vector<StackId>{2, 0}));
  EXPECT_EQ(engine.Registers(2)[0], 3);
}

}  // namespace
}  // namespace cardflow
