#include "coordinator/cluster/run_loop.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <utility>

namespace cardflow {

namespace {

constexpr std::chrono::milliseconds kFirstRejoinBackoff{100};
constexpr std::chrono::milliseconds kMaxRejoinBackoff{2000};
constexpr std::chrono::milliseconds kRejoinPingTimeout{200};

// Run ids differ between coordinators sharing nodes, and between the runs of one.
uint64_t RunIdBase() {
  std::random_device random;
  const uint64_t base = (uint64_t{random()} << 32) ^ random();
  return base == 0 ? 1 : base;
}

}  // namespace

RunLoop::RunLoop(const ClusterOptions& options, NodeConnections& connections,
                 RecoveryLog& recovery_log, ReportBuilder& builder, std::vector<bool> dead,
                 PlanFor plan_for)
    : options_(options),
      connections_(connections),
      recovery_log_(recovery_log),
      plan_for_(std::move(plan_for)),
      id_base_(RunIdBase()),
      builder_(&builder),
      dead_(std::move(dead)),
      retry_(connections.size(), kFirstRejoinBackoff),
      next_try_(connections.size()) {
  // Pinged again as runs start, like a node lost in a run.
  for (size_t n = 0; n < dead_.size(); ++n) {
    if (dead_[n]) next_try_[n] = std::chrono::steady_clock::now() + retry_[n];
  }
}

Status RunLoop::Run() {
  const int in_flight = std::max(1, options_.in_flight);
  for (int i = 0; i < in_flight; ++i) Launch();
  {
    UniqueMutexLock lock(mutex_);
    while (!OverLocked()) changed_.Wait(lock);
  }
  finisher_.join();
  MutexLock lock(mutex_);
  for (const std::string& m : moved_) builder_->AddMoved(m);
  for (const std::string& m : replaced_) builder_->AddReplaced(m);
  // A node that answered again and was lost again since is not back.
  for (size_t n : rejoined_) {
    if (!dead_[n]) builder_->AddRejoined(connections_.node(n).name);
  }
  return fault_;
}

bool RunLoop::OverLocked() const {
  return active_ == 0 && pinging_ == 0 && (next_ >= options_.runs || !fault_.ok() || Stopped());
}

void RunLoop::Launch() {
  Rejoin();
  uint64_t i;
  const RunPlan* plan;
  {
    MutexLock lock(mutex_);
    if (!fault_.ok() || next_ >= options_.runs || Stopped()) return;
    plan = PlanLocked();
    if (plan == nullptr) return;
    i = next_++;
    ++active_;
  }
  LaunchClusterRun(*plan, id_base_ + i, options_.seed + i, finisher_.get_executor(),
                   [this](ClusterRunResult run) { OnFinished(std::move(run)); });
}

const RunPlan* RunLoop::PlanLocked() {
  std::unique_ptr<RunPlan>& slot = plans_[dead_];
  if (!slot) {
    std::vector<MovedStack> moves;
    auto made = plan_for_(dead_, moves);
    if (!made.ok()) {
      plans_.erase(dead_);
      fault_ = made.status();
      return nullptr;
    }
    slot = std::move(made).value();
    plan_moves_[dead_] = std::move(moves);
  }
  NoteMoves(plan_moves_[dead_], replaced_);
  return slot.get();
}

void RunLoop::OnFinished(ClusterRunResult run) {
  uint64_t now;
  {
    MutexLock lock(mutex_);
    for (size_t n : run.dead) {
      if (!dead_[n]) next_try_[n] = std::chrono::steady_clock::now() + retry_[n];
      dead_[n] = true;
    }
    NoteMoves(run.moved, moved_);
    if (!run.fault.ok()) {
      if (fault_.ok()) fault_ = run.fault;
    } else {
      builder_->Add(run.result);
    }
    now = ++finished_;
    if (run.fault.ok() && options_.sink) options_.sink->Finished(run.result, now);
    --active_;
  }
  if (run.fault.ok() && options_.on_progress) options_.on_progress(now);
  Launch();
  changed_.NotifyAll();
}

void RunLoop::Rejoin() {
  std::vector<size_t> due;
  {
    MutexLock lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    for (size_t n = 0; n < connections_.size(); ++n) {
      if (!dead_[n] || now < next_try_[n]) continue;
      next_try_[n] = now + retry_[n];
      retry_[n] = std::min(kMaxRejoinBackoff, retry_[n] * 2);
      due.push_back(n);
      ++pinging_;
    }
  }
  for (size_t n : due) {
    connections_.AnswersAsync(n, kRejoinPingTimeout, [this, n](bool answered) {
      MutexLock lock(mutex_);
      if (answered) {
        dead_[n] = false;
        retry_[n] = kFirstRejoinBackoff;
        recovery_log_.NodeBack(connections_.node(n).name);
        rejoined_.insert(n);
      }
      --pinging_;
      // Under the lock: once it is released, Run may return and the loop
      // be destroyed (this runs on a gRPC thread, not the finisher pool).
      changed_.NotifyAll();
    });
  }
}

void RunLoop::NoteMoves(const std::vector<MovedStack>& moves, std::set<std::string>& into) {
  for (const MovedStack& m : moves) into.insert(fmt::format("{}: {} -> {}", m.stack, m.from, m.to));
}

}  // namespace cardflow
