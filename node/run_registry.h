// RunRegistry: the runs this node holds, by run id. A run is registered when
// its Run stream assigns it and removed when that stream is over; peer
// deliveries find their run here.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "common/base/mutex.h"

namespace cardflow {

class NodeRun;

class RunRegistry {
 public:
  // False when a run with this id is already registered.
  bool Add(uint64_t id, std::shared_ptr<NodeRun> run) EXCLUDES(mutex_);
  void Remove(uint64_t id) EXCLUDES(mutex_);
  std::shared_ptr<NodeRun> Find(uint64_t id) const EXCLUDES(mutex_);
  std::vector<std::shared_ptr<NodeRun>> All() const EXCLUDES(mutex_);
  size_t size() const EXCLUDES(mutex_);

  // Wakes WaitUntil; called when a run changes state (finishes, is cancelled).
  void Changed() EXCLUDES(mutex_);
  // Blocks until `done()` holds (checked at first and after each Changed)
  // or `deadline`; returns whether it held. For shutdown only.
  bool WaitUntil(std::chrono::steady_clock::time_point deadline, const std::function<bool()>& done)
      EXCLUDES(mutex_);

 private:
  mutable Mutex mutex_;
  CondVar changed_;  // generation_ went up
  std::unordered_map<uint64_t, std::shared_ptr<NodeRun>> runs_ GUARDED_BY(mutex_);
  uint64_t generation_ GUARDED_BY(mutex_) = 0;  // counts Remove and Changed calls
};

}  // namespace cardflow
