#include "node/run_registry.h"

namespace cardflow {

bool RunRegistry::Add(uint64_t id, std::shared_ptr<NodeRun> run) {
  MutexLock lock(mutex_);
  return runs_.emplace(id, std::move(run)).second;
}

void RunRegistry::Remove(uint64_t id) {
  std::shared_ptr<NodeRun> run;  // released outside the lock
  {
    MutexLock lock(mutex_);
    auto it = runs_.find(id);
    if (it == runs_.end()) return;
    run = std::move(it->second);
    runs_.erase(it);
    ++generation_;
  }
  changed_.NotifyAll();
}

std::shared_ptr<NodeRun> RunRegistry::Find(uint64_t id) const {
  MutexLock lock(mutex_);
  auto it = runs_.find(id);
  return it == runs_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<NodeRun>> RunRegistry::All() const {
  MutexLock lock(mutex_);
  std::vector<std::shared_ptr<NodeRun>> all;
  all.reserve(runs_.size());
  for (const auto& [id, run] : runs_) all.push_back(run);
  return all;
}

size_t RunRegistry::size() const {
  MutexLock lock(mutex_);
  return runs_.size();
}

void RunRegistry::Changed() {
  {
    MutexLock lock(mutex_);
    ++generation_;
  }
  changed_.NotifyAll();
}

bool RunRegistry::WaitUntil(std::chrono::steady_clock::time_point deadline,
                            const std::function<bool()>& done) {
  UniqueMutexLock lock(mutex_);
  for (;;) {
    const uint64_t seen = generation_;
    lock.Unlock();
    if (done()) return true;  // done() may look at the runs: not under mutex_
    lock.Lock();
    while (generation_ == seen) {
      if (!changed_.WaitUntil(lock, deadline) && generation_ == seen) return false;
    }
  }
}

}  // namespace cardflow
