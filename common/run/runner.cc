#include "common/run/runner.h"

#include <algorithm>
#include <utility>

namespace cardflow {

RunSinks::RunSinks(std::vector<RunSink*> sinks) : sinks_(std::move(sinks)) {
  sinks_.erase(std::remove(sinks_.begin(), sinks_.end(), nullptr), sinks_.end());
}

void RunSinks::Finished(const RunResult& run, uint64_t done) {
  for (RunSink* sink : sinks_) sink->Finished(run, done);
}

bool RunSinks::WantsEvents() const {
  return std::any_of(sinks_.begin(), sinks_.end(), [](RunSink* s) { return s->WantsEvents(); });
}

void DrawnRunSink::Finished(const RunResult& run, uint64_t) {
  const bool better =
      !drawn_ || (WentWrong(run) != WentWrong(*drawn_) ? WentWrong(run) : run.seed < drawn_->seed);
  if (better) drawn_ = run;
}

}  // namespace cardflow
