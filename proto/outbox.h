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
// Thread-safety: every method may be called from any thread. `write` (the
// reactor's StartWrite) and `then` are called outside the Outbox's lock.
// The reactor calls OnWriteDone from its OnWriteDone reaction.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <utility>

namespace cardflow {

template <typename Msg>
class Outbox {
 public:
  // `init` prepares every fresh message (e.g. stamps the protocol version).
  Outbox(std::function<void(const Msg*)> write, std::function<void(Msg&)> init, size_t max_items)
      : write_(std::move(write)), init_(std::move(init)), max_items_(max_items) {}
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // `fill` adds `items` items to the message it is given: the unsent tail
  // message when they fit, else a fresh one. False (and `fill` not called)
  // once the Outbox is closed or its stream broke.
  template <typename Fill>
  bool Add(size_t items, Fill&& fill) {
    std::unique_lock lock(mutex_);
    if (closing_ || broken_) return false;
    if (queue_.empty() || (items > 0 && tail_items_ + items > max_items_)) {
      queue_.emplace_back();
      init_(queue_.back());
      tail_items_ = 0;
    }
    fill(queue_.back());
    tail_items_ += items;
    if (!writing_) StartNext(lock);
    return true;
  }

  // Like Add, but `fill` always gets a message of its own, which nothing
  // is merged into afterwards (for messages that must stay small or last).
  template <typename Fill>
  bool AddSeparate(Fill&& fill) {
    std::unique_lock lock(mutex_);
    if (closing_ || broken_) return false;
    queue_.emplace_back();
    init_(queue_.back());
    fill(queue_.back());
    tail_items_ = max_items_ + 1;  // sealed
    if (!writing_) StartNext(lock);
    return true;
  }

  void OnWriteDone(bool ok) {
    std::unique_lock lock(mutex_);
    writing_ = false;
    if (!ok) {
      broken_ = true;  // the stream is gone: nothing more can be written
      queue_.clear();
    }
    if (!queue_.empty()) return StartNext(lock);
    MaybeClosed(lock);
  }

  // Takes no more messages; runs `then` once nothing is being written (after
  // writing what is queued when `drain`, else dropping it). Later calls are
  // ignored.
  void Close(std::function<void()> then, bool drain) {
    std::unique_lock lock(mutex_);
    if (closing_) return;
    closing_ = true;
    then_ = std::move(then);
    if (!drain || broken_) queue_.clear();
    if (!writing_ && !queue_.empty()) return StartNext(lock);
    MaybeClosed(lock);
  }

  bool closed() const {
    std::lock_guard lock(mutex_);
    return closing_ || broken_;
  }

 private:
  void StartNext(std::unique_lock<std::mutex>& lock) {
    in_flight_ = std::move(queue_.front());
    queue_.pop_front();
    if (queue_.empty()) tail_items_ = 0;
    writing_ = true;
    lock.unlock();
    write_(&in_flight_);  // in_flight_ is untouched until OnWriteDone
  }

  void MaybeClosed(std::unique_lock<std::mutex>& lock) {
    if (!closing_ || writing_ || !queue_.empty() || !then_) return;
    std::function<void()> then = std::move(then_);
    then_ = nullptr;
    lock.unlock();
    then();  // may destroy the reactor and this Outbox: touch nothing after
  }

  const std::function<void(const Msg*)> write_;
  const std::function<void(Msg&)> init_;
  const size_t max_items_;

  mutable std::mutex mutex_;
  std::deque<Msg> queue_;  // guarded by mutex_
  size_t tail_items_ = 0;  // items in queue_.back(); guarded by mutex_
  bool writing_ = false;   // a write is in flight; guarded by mutex_
  bool closing_ = false;   // guarded by mutex_
  bool broken_ = false;    // a write failed; guarded by mutex_
  std::function<void()> then_;
  Msg in_flight_;  // owned by the write in flight
};

}  // namespace cardflow
