// RunRegistry: the runs this node holds, by run id. A run is registered when
// its Run stream assigns it and removed when that stream is over; peer
// deliveries find their run here.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace cardflow {

class NodeRun;

class RunRegistry {
 public:
  // False when a run with this id is already registered.
  bool Add(uint64_t id, std::shared_ptr<NodeRun> run);
  void Remove(uint64_t id);
  std::shared_ptr<NodeRun> Find(uint64_t id) const;
  std::vector<std::shared_ptr<NodeRun>> All() const;
  size_t size() const;

  // Wakes WaitUntil; called when a run changes state (finishes, is cancelled).
  void Changed();
  // Blocks until `done()` holds (checked at first and after each Changed)
  // or `deadline`; returns whether it held. For shutdown only.
  bool WaitUntil(std::chrono::steady_clock::time_point deadline, const std::function<bool()>& done);

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::unordered_map<uint64_t, std::shared_ptr<NodeRun>> runs_;  // guarded by mutex_
  uint64_t generation_ = 0;                                      // guarded by mutex_
};

}  // namespace cardflow
