#include "common/local/local_runner.h"

#include <fmt/format.h>

#include <asio/thread_pool.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

#include "common/engine/engine.h"
#include "common/local/sequencer.h"
#include "common/run/fold_run.h"

namespace cardflow {

namespace {

// One run: an engine for every stack and a sequencer as its Effects. Owns
// itself from Launch() until it has handed its result to `done`.
class LocalRun {
 public:
  using DoneFn = std::function<void(RunResult)>;

  static void Launch(const Program& program, const StepPlan& plan, Ordering ordering, uint64_t seed,
                     bool keep_events, std::unique_ptr<CallbackDelivery> delivery,
                     const Schedule& prefix, asio::any_io_executor executor, DoneFn done) {
    auto* run = new LocalRun(program, plan, ordering, seed, keep_events, std::move(delivery),
                             prefix, std::move(executor), std::move(done));
    run->engine_.Start([run] { run->Finish(); });
  }

 private:
  LocalRun(const Program& program, const StepPlan& plan, Ordering ordering, uint64_t seed,
           bool keep_events, std::unique_ptr<CallbackDelivery> delivery, const Schedule& prefix,
           asio::any_io_executor executor, DoneFn done)
      : program_(program),
        plan_(plan),
        seed_(seed),
        keep_events_(keep_events),
        done_(std::move(done)),
        sequencer_(
            program, plan, ordering, seed, std::move(delivery), [this] { OnEnd(); }, prefix),
        engine_(program, {}, sequencer_, std::move(executor)) {}

  // The sequencer ended the run: on failure, stop the stacks still going.
  // Called from inside an engine handler, so the engine is not idle yet.
  void OnEnd() {
    if (sequencer_.failed()) engine_.Cancel();
  }

  // The engine is idle: nothing of this run is queued or running any more.
  void Finish() {
    RunEnd end;
    end.seed = seed_;
    end.stop = sequencer_.stop();
    if (!end.stop) {
      end.state.shared = sequencer_.table();
      end.state.registers.reserve(program_.stacks.size());
      for (StackId s = 0; s < program_.stacks.size(); ++s) {
        end.state.registers.push_back(engine_.Registers(s));
      }
    }
    end.events = std::move(sequencer_.events());
    end.schedule = std::move(sequencer_.schedule());
    RunResult result = FoldRun(program_, plan_, std::move(end), keep_events_);
    DoneFn done = std::move(done_);
    delete this;
    done(std::move(result));
  }

  const Program& program_;
  const StepPlan& plan_;
  const uint64_t seed_;
  const bool keep_events_;
  DoneFn done_;
  Sequencer sequencer_;
  Engine engine_;
};

// Runs `runs` runs with seeds seed, seed+1, ... on `threads` threads, a few
// at a time, and hands each result to `sink` (from a worker thread). Once
// `stop` (may be null) is true no run starts. Returns how many runs
// completed; *started (may be null) says how many started.
uint64_t RunMany(const Program& program, Ordering ordering, uint64_t runs, uint64_t seed,
                 int threads, bool keep_events, const DeliveryFactory& delivery,
                 const Schedule& prefix, const std::function<void(RunResult)>& sink,
                 const std::atomic<bool>* stop = nullptr, uint64_t* started = nullptr) {
  const StepPlan plan(program);
  asio::thread_pool pool(static_cast<size_t>(threads < 1 ? 1 : threads));
  std::atomic<uint64_t> next{0};
  std::atomic<uint64_t> completed{0};
  std::function<void()> launch = [&] {
    if (stop != nullptr && stop->load()) return;
    const uint64_t i = next.fetch_add(1);
    if (i >= runs) return;
    LocalRun::Launch(program, plan, ordering, seed + i, keep_events,
                     MakeDelivery(delivery, program), prefix, pool.get_executor(),
                     [&](RunResult result) {
                       sink(std::move(result));
                       completed.fetch_add(1);
                       launch();
                     });
  };
  const uint64_t in_flight = std::min<uint64_t>(runs, static_cast<uint64_t>(threads) * 4 + 4);
  for (uint64_t i = 0; i < in_flight; ++i) launch();
  pool.join();  // returns once no run has anything left to do
  if (started != nullptr) *started = std::min(next.load(), runs);
  return completed.load();
}

}  // namespace

Report RunLocal(const Program& program, const LocalOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, std::string>> placement;
  for (const StackProgram& stack : program.stacks) placement.emplace_back(stack.name, "local");
  ReportBuilder builder(program, options.ordering, options.seed, std::move(placement));
  std::mutex mutex;
  uint64_t finished = 0;
  uint64_t started = 0;
  const uint64_t completed = RunMany(
      program, options.ordering, options.runs, options.seed, options.threads, false,
      options.delivery, options.prefix,
      [&](RunResult result) {
        uint64_t now;
        {
          std::lock_guard lock(mutex);
          builder.Add(result);
          now = ++finished;
        }
        if (options.on_progress) options.on_progress(now);
      },
      options.stop, &started);
  for (uint64_t i = completed; i < started; ++i) {
    // Unreachable while the engine and sequencer keep their contracts; never
    // report a run that did not finish as if it had.
    RunResult stuck;
    stuck.error = RunError{0, 0, "internal error: the run stopped before every stack finished"};
    builder.Add(stuck);
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return std::move(builder).Finish(wall);
}

RunResult RunLocalOnce(const Program& program, Ordering ordering, uint64_t seed, int threads,
                       const DeliveryFactory& delivery, const Schedule& prefix) {
  RunResult out;
  out.error = RunError{0, 0, "internal error: the run stopped before every stack finished"};
  RunMany(program, ordering, 1, seed, threads, true, delivery, prefix,
          [&](RunResult result) { out = std::move(result); });
  return out;
}

}  // namespace cardflow
