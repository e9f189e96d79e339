// Mutex, MutexLock, UniqueMutexLock, CondVar: std::mutex and
// std::condition_variable with Clang's thread-safety annotations
// (common/base/thread_annotations.h), so that members declared
// GUARDED_BY(mutex_) are checked at compile time by the `clang` preset.
// libstdc++'s std::mutex and std::lock_guard carry no annotations, which is
// the only reason these exist; they add nothing at run time.
//
//   mutable Mutex mutex_;
//   std::deque<Item> queue_ GUARDED_BY(mutex_);
//
//   void Push(Item item) EXCLUDES(mutex_) {
//     MutexLock lock(mutex_);            // held to the end of the scope
//     queue_.push_back(std::move(item));
//   }
//
//   UniqueMutexLock lock(mutex_);        // may be released early, or waited on
//   while (queue_.empty()) changed_.Wait(lock);
//   lock.Unlock();                       // queue_ is off limits from here
//
// Waits are written as loops in the caller (not with a predicate lambda):
// the analysis sees the lock held around the loop, not inside a lambda.
//
// Thread-safety: as std::mutex. Not copyable or movable.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "common/base/thread_annotations.h"

namespace cardflow {

class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ACQUIRE() { mutex_.lock(); }
  void Unlock() RELEASE() { mutex_.unlock(); }
  // True when it took the lock (then Unlock it); false at once otherwise.
  bool TryLock() TRY_ACQUIRE(true) { return mutex_.try_lock(); }

 private:
  friend class UniqueMutexLock;
  std::mutex mutex_;
};

// Holds `mutex` from construction to the end of the scope.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) ACQUIRE(mutex) : mutex_(mutex) { mutex_.Lock(); }
  ~MutexLock() RELEASE() { mutex_.Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mutex_;
};

// Holds `mutex` from construction until Unlock() or the end of the scope;
// Lock() takes it again. The lock CondVar waits with.
class SCOPED_CAPABILITY UniqueMutexLock {
 public:
  explicit UniqueMutexLock(Mutex& mutex) ACQUIRE(mutex) : lock_(mutex.mutex_) {}
  ~UniqueMutexLock() RELEASE() {}  // std::unique_lock unlocks if it still holds it
  UniqueMutexLock(const UniqueMutexLock&) = delete;
  UniqueMutexLock& operator=(const UniqueMutexLock&) = delete;

  void Lock() ACQUIRE() { lock_.lock(); }
  void Unlock() RELEASE() { lock_.unlock(); }

 private:
  friend class CondVar;
  std::unique_lock<std::mutex> lock_;
};

// std::condition_variable for a UniqueMutexLock that holds its mutex. Each
// wait releases the mutex while blocked and holds it again on return, so
// the caller's view of the lock does not change; spurious wake-ups happen:
// wait in a loop on the condition.
class CondVar {
 public:
  void Wait(UniqueMutexLock& lock) { cv_.wait(lock.lock_); }
  // False once `deadline` has passed (the mutex is held again either way).
  bool WaitUntil(UniqueMutexLock& lock, std::chrono::steady_clock::time_point deadline) {
    return cv_.wait_until(lock.lock_, deadline) == std::cv_status::no_timeout;
  }
  void NotifyOne() { cv_.notify_one(); }
  void NotifyAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace cardflow
