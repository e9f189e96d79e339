// Runner: N runs of a compiled deck, wherever they run — the one way to run
// above the engine (ARCHITECTURE.md). LocalRunner (common/local/
// local_runner.h) runs the stacks in this process; ClusterRunner
// (coordinator/cluster/run_cluster.h) on cardflow nodes. Both take the same
// RunSpec, judge every finished run with FoldRun (fold_run.h), hand it to
// the same RunSinks as it finishes, and fold the runs into the same Report.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "common/deck/program.h"
#include "common/report/report.h"
#include "common/report/run_result.h"
#include "common/schedule/step.h"
#include "common/status/status.h"

namespace cardflow {

// A deck as the runners take it: the Program and the text it was compiled
// from (nodes compile the text again). Both must outlive the Run call.
struct CompiledDeck {
  const Program* program = nullptr;
  std::string_view text;
};

// What to run; the same for every placement.
struct RunSpec {
  Ordering ordering = Ordering::kCallbacks;
  uint64_t runs = 1;
  uint64_t seed = 1;  // run i has seed + i
  // Who orders each run's visible steps. kNetwork is for nodes only.
  Shuffle shuffle = Shuffle::kSeeded;
  // A schedule every run takes first (run --schedule), checked beforehand
  // with CheckSchedule; seeded shuffle only.
  Schedule prefix;
};

// Sees each run as it finishes: called from a worker thread, one run at a
// time, never after Run returned. `done` counts the runs finished so far,
// this one included. Keep it cheap: the runs wait.
class RunSink {
 public:
  virtual ~RunSink() = default;
  virtual void Finished(const RunResult& run, uint64_t done) = 0;
  // Whether Finished needs each run's events and print lines (they cost a
  // copy per run when nobody draws them).
  virtual bool WantsEvents() const { return false; }
};

// Several sinks as one, in order.
class RunSinks final : public RunSink {
 public:
  explicit RunSinks(std::vector<RunSink*> sinks);
  void Finished(const RunResult& run, uint64_t done) override;
  bool WantsEvents() const override;

 private:
  std::vector<RunSink*> sinks_;  // not null
};

// A sink that calls `on_progress(done)` only.
class ProgressSink final : public RunSink {
 public:
  explicit ProgressSink(std::function<void(uint64_t done)> on_progress)
      : on_progress_(std::move(on_progress)) {}
  void Finished(const RunResult&, uint64_t done) override {
    if (on_progress_) on_progress_(done);
  }

 private:
  std::function<void(uint64_t done)> on_progress_;
};

// The run to draw (traces, the HTML report, print lines), kept while the
// runs go, on every placement: the lowest seed among the runs that went
// wrong (WentWrong), else the lowest seed. Its events are those the run
// recorded, not a replay.
class DrawnRunSink final : public RunSink {
 public:
  void Finished(const RunResult& run, uint64_t done) override;
  bool WantsEvents() const override { return true; }
  // After Run returned.
  std::optional<RunResult>& run() { return drawn_; }

 private:
  std::optional<RunResult> drawn_;
};

class Runner {
 public:
  virtual ~Runner() = default;
  // Runs `spec.runs` runs. `sink` may be null. With `stop` (may be null):
  // once it is true no further run starts, the runs in flight finish, and
  // the report counts the runs that ran (the first ones, by seed).
  //
  // Errors, before any run: INVALID_ARGUMENT for a spec this runner cannot
  // carry (exit status 2). ClusterRunner also: UNAVAILABLE and the like when
  // the cluster could not carry the runs (exit status 3). Run errors are not
  // errors here: they are counted in the report.
  virtual StatusOr<Report> Run(const CompiledDeck& deck, const RunSpec& spec, RunSink* sink,
                               const std::atomic<bool>* stop) = 0;
};

}  // namespace cardflow
