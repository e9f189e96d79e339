// Compiled by thread_safety_test.sh with clang -Wthread-safety -Werror: each
// CARDFLOW_CASE is one mistake the analysis must refuse to compile.
#include "common/base/mutex.h"

namespace cardflow {

class Counter {
 public:
#if CARDFLOW_CASE == 1  // a guarded member written without its lock
  void Add(int n) { count_ += n; }
#elif CARDFLOW_CASE == 2  // a REQUIRES function called without the lock
  void Add(int n) { AddLocked(n); }
#elif CARDFLOW_CASE == 3  // a guarded member read after the lock was released
  int Add(int n) {
    UniqueMutexLock lock(mutex_);
    AddLocked(n);
    lock.Unlock();
    return count_;
  }
#elif CARDFLOW_CASE == 4  // an EXCLUDES function called with the lock held
  void Add(int n) EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    Outer(n);
  }
  void Outer(int n) EXCLUDES(mutex_) { (void)n; }
#endif

 private:
  void AddLocked(int n) REQUIRES(mutex_) { count_ += n; }

  Mutex mutex_;
  int count_ GUARDED_BY(mutex_) = 0;
};

void Use() {
  Counter counter;
  counter.Add(1);
}

}  // namespace cardflow
