// Compiled by thread_safety_test.sh with clang -Wthread-safety -Werror: the
// right uses of common/base/mutex.h, which must compile without a warning.
#include <chrono>

#include "common/base/mutex.h"

namespace cardflow {

class Counter {
 public:
  void Add(int n) EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    AddLocked(n);
  }
  int TakeWhenPositive() EXCLUDES(mutex_) {
    UniqueMutexLock lock(mutex_);
    while (count_ <= 0) changed_.Wait(lock);
    const int taken = count_;
    count_ = 0;
    lock.Unlock();
    return taken;
  }
  bool WaitForZero(std::chrono::steady_clock::time_point deadline) EXCLUDES(mutex_) {
    UniqueMutexLock lock(mutex_);
    while (count_ != 0) {
      if (!changed_.WaitUntil(lock, deadline)) return count_ == 0;
    }
    return true;
  }
  bool TryPeek(int* out) EXCLUDES(mutex_) {
    if (!mutex_.TryLock()) return false;
    *out = count_;
    mutex_.Unlock();
    return true;
  }

 private:
  void AddLocked(int n) REQUIRES(mutex_) {
    count_ += n;
    changed_.NotifyAll();
  }

  Mutex mutex_;
  CondVar changed_;
  int count_ GUARDED_BY(mutex_) = 0;
};

int Use() {
  Counter counter;
  counter.Add(1);
  int peeked = 0;
  counter.TryPeek(&peeked);
  return counter.TakeWhenPositive() + peeked;
}

}  // namespace cardflow
