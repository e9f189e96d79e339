// Outbox: the write side of one gRPC stream whose messages are produced by
// many threads.
//
// gRPC allows one write in flight per stream. The Outbox queues whatever is
// added meanwhile and merges it into the message waiting at the tail of the
// queue (up to `max_items` items per message), so an idle stream writes at
// once and a busy one sends few, large messages: that batching is what
// carries 100k+ callbacks per second over one stream.
//
// Closing: Close(then) stops taking messages; `then` runs exactly once, after
// the last write has completed (and, when draining, after the queue has been
// written). A reactor passes Finish (server) or WritesDone + RemoveHold
// (client) as `then`, so it never finishes with a write outstanding.
//
// Bounded messages (AddCounted): a producer that can wait — a node's
// stacks streaming a run's events — adds messages whose bytes count as
// unsent from the Add until their write completes. While more than
// `max_unsent_bytes` (SetBound) are unsent, AddCounted says kFull (the
// message is queued all the same); the Outbox then calls `drained` once,
// after the unsent bytes fell to half the bound or below, or the Outbox
// closed or broke (nothing will be written any more). Messages added by Add
// and AddSeparate are not counted: they are small, and bounded by what they
// answer.
//
// Thread-safety: every method may be called from any thread. `write` (the
// reactor's StartWrite), `then` and `drained` are called outside the
// Outbox's lock.
// The reactor calls OnWriteDone from its OnWriteDone reaction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <utility>

#include "common/base/mutex.h"

namespace cardflow {

template <typename Msg>
class Outbox {
 public:
  // `init` prepares every fresh message (e.g. stamps the protocol version).
  // `write` gets the message to write, which is the Outbox's until the
  // write completes; a `write` that serializes it may empty it at once
  // (its bytes need not be held twice while the write is in flight).
  Outbox(std::function<void(Msg*)> write, std::function<void(Msg&)> init, size_t max_items)
      : write_(std::move(write)), init_(std::move(init)), max_items_(max_items) {}
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // `fill` adds `items` items to the message it is given: the unsent tail
  // message when they fit, else a fresh one. False (and `fill` not called)
  // once the Outbox is closed or its stream broke. `init` and `fill` run
  // under the Outbox's lock.
  template <typename Fill>
  bool Add(size_t items, Fill&& fill) EXCLUDES(mutex_) {
    UniqueMutexLock lock(mutex_);
    if (closing_ || broken_) return false;
    if (queue_.empty() || (items > 0 && tail_items_ + items > max_items_)) {
      queue_.emplace_back();
      init_(queue_.back());
      tail_items_ = 0;
    }
    fill(queue_.back());
    tail_items_ += items;
    Next next = NextLocked();
    lock.Unlock();
    Run(std::move(next));
    return true;
  }

  // Like Add, but `fill` always gets a message of its own, which nothing
  // is merged into afterwards (for messages that must stay small or last).
  template <typename Fill>
  bool AddSeparate(Fill&& fill) EXCLUDES(mutex_) {
    UniqueMutexLock lock(mutex_);
    if (closing_ || broken_) return false;
    queue_.emplace_back();
    init_(queue_.back());
    fill(queue_.back());
    tail_items_ = max_items_ + 1;  // sealed
    Next next = NextLocked();
    lock.Unlock();
    Run(std::move(next));
    return true;
  }

  // Bound for AddCounted; call before the first AddCounted. `drained` must
  // not call back into this Outbox synchronously with a lock it holds.
  void SetBound(size_t max_unsent_bytes, std::function<void()> drained) EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    max_unsent_ = max_unsent_bytes;
    drained_ = std::move(drained);
  }

  enum class Room { kRoom, kFull, kClosed };
  // Like AddSeparate; `fill` returns the bytes it added (e.g. the message's
  // ByteSizeLong()), counted as unsent until the message's write completes.
  // kClosed (and `fill` not called) once the Outbox is closed or broken;
  // kFull when more than the bound is unsent now (see SetBound).
  template <typename Fill>
  Room AddCounted(Fill&& fill) EXCLUDES(mutex_) {
    UniqueMutexLock lock(mutex_);
    if (closing_ || broken_) return Room::kClosed;
    queue_.emplace_back();
    init_(queue_.back());
    const size_t bytes = fill(queue_.back());
    counted_.resize(queue_.size() - 1, 0);
    counted_.push_back(bytes);
    unsent_ += bytes;
    tail_items_ = max_items_ + 1;  // sealed
    const bool full = unsent_ > max_unsent_;
    if (full) owe_drained_ = true;
    Next next = NextLocked();
    lock.Unlock();
    Run(std::move(next));
    return full ? Room::kFull : Room::kRoom;
  }

  // Bytes of counted messages queued or being written.
  size_t unsent_bytes() const EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    return unsent_;
  }

  void OnWriteDone(bool ok) EXCLUDES(mutex_) {
    UniqueMutexLock lock(mutex_);
    writing_ = false;
    unsent_ -= std::exchange(in_flight_bytes_, 0);
    if (!ok) {
      broken_ = true;  // the stream is gone: nothing more can be written
      queue_.clear();
      counted_.clear();
      unsent_ = 0;
    }
    Next next = NextLocked();
    lock.Unlock();
    Run(std::move(next));
  }

  // Takes no more messages; runs `then` once nothing is being written (after
  // writing what is queued when `drain`, else dropping it). Later calls are
  // ignored.
  void Close(std::function<void()> then, bool drain) EXCLUDES(mutex_) {
    UniqueMutexLock lock(mutex_);
    if (closing_) return;
    closing_ = true;
    then_ = std::move(then);
    if (!drain || broken_) {
      queue_.clear();
      counted_.clear();
      unsent_ = in_flight_bytes_;
    }
    Next next = NextLocked();
    lock.Unlock();
    Run(std::move(next));
  }

  bool closed() const EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    return closing_ || broken_;
  }

 private:
  // What to do once the lock is released: start a write, or run then_, and
  // call drained_.
  struct Next {
    Msg* write = nullptr;
    std::function<void()> then;
    bool drained = false;
  };

  // When no write is in flight: the queue's head becomes the write in
  // flight (in_flight_, untouched until OnWriteDone), or, once the Outbox is
  // closed and idle, then_ is taken (it runs once).
  // drained_ is owed once unsent_ fell to half the bound, or nothing more
  // will be written.
  Next NextLocked() REQUIRES(mutex_) {
    Next next;
    if (owe_drained_ && (unsent_ <= max_unsent_ / 2 || closing_ || broken_)) {
      owe_drained_ = false;
      next.drained = true;
    }
    if (writing_) return next;
    if (!queue_.empty()) {
      in_flight_ = std::move(queue_.front());
      queue_.pop_front();
      if (!counted_.empty()) {
        in_flight_bytes_ = counted_.front();
        counted_.pop_front();
      }
      if (queue_.empty()) tail_items_ = 0;
      writing_ = true;
      next.write = &in_flight_;
      return next;
    }
    if (!closing_ || !then_) return next;
    next.then = std::move(then_);
    then_ = nullptr;
    return next;
  }

  // Outside the lock.
  void Run(Next next) {
    if (next.drained && drained_) drained_();  // set before any AddCounted: read unlocked
    if (next.write) write_(next.write);
    if (next.then) next.then();  // may destroy the reactor and this Outbox: touch nothing after
  }

  const std::function<void(Msg*)> write_;
  const std::function<void(Msg&)> init_;
  const size_t max_items_;

  mutable Mutex mutex_;
  std::deque<Msg> queue_ GUARDED_BY(mutex_);
  size_t tail_items_ GUARDED_BY(mutex_) = 0;  // items in queue_.back()
  bool writing_ GUARDED_BY(mutex_) = false;   // a write is in flight
  bool closing_ GUARDED_BY(mutex_) = false;
  bool broken_ GUARDED_BY(mutex_) = false;  // a write failed
  std::function<void()> then_ GUARDED_BY(mutex_);
  // Bounded messages: bytes of each queued message (0: not counted; may be
  // shorter than queue_, the missing tail being 0), of the one in flight,
  // and in all; the bound; whether drained_ is owed.
  std::deque<size_t> counted_ GUARDED_BY(mutex_);
  size_t in_flight_bytes_ GUARDED_BY(mutex_) = 0;
  size_t unsent_ GUARDED_BY(mutex_) = 0;
  size_t max_unsent_ GUARDED_BY(mutex_) = SIZE_MAX;
  bool owe_drained_ GUARDED_BY(mutex_) = false;
  std::function<void()> drained_;  // set by SetBound before any AddCounted
  Msg in_flight_;  // owned by the write in flight: written under mutex_, then read by gRPC
};

}  // namespace cardflow
