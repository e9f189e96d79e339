// Pump: one direction of a proxied connection — read from `source`, pass
// through the direction's ToxicChain, write to `sink` when each piece is due.
//
// Two paths, one order. While no toxic acts on the direction, bytes move
// socket → kernel pipe → socket with splice(2) and never enter user space
// (KernelPipe). Otherwise each read becomes a Chunk, the chain decides when
// its pieces are due, and they wait in a queue. The pipe always empties
// before the queue is written and reads splice again only once the queue is
// empty, so bytes leave in the order they came whichever path took them.
//
// A source's end (half-close) is passed on as a shutdown of the sink's
// sending side once everything before it is written, and once the chain
// lets it go (slow_close delays it). When a toxic ends the stream
// (limit_data), reading stops and, once what it let through is written, the
// owner is told to close the connection. At most kMaxQueuedBytes wait in the queue (or the pipe's
// capacity in the pipe): beyond that the pump stops reading, so a slow toxic
// pushes back on the sender through TCP instead of buffering without bound.
//
// Not thread-safe: every call and completion runs on the proxy's executor.
// The Owner keeps the sockets and outlives every handler it keeps alive.
#pragma once

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

#include "chaos/chunk.h"
#include "chaos/kernel_pipe.h"
#include "chaos/toxic_chain.h"

namespace cardflow::chaos {

class Pump {
 public:
  // The connection a pump belongs to.
  class Owner {
   public:
    // A reference that keeps the owner (and so the pump) alive while an
    // asynchronous operation of the pump is pending.
    virtual std::shared_ptr<void> KeepAlive() = 0;
    // The source ended and the sink's sending side has been shut down.
    virtual void OnPumpFinished() = 0;
    // Reading or writing failed (a reset, a broken pipe): the pump stopped.
    virtual void OnPumpFailed(const std::error_code& error) = 0;
    // A toxic ended the stream and what it let through is written: the
    // connection should close now.
    virtual void OnPumpCut() = 0;
    // Data made a toxic decide when the connection ends
    // (ToxicChain::NextTermination changed).
    virtual void OnTerminationChanged() = 0;

   protected:
    ~Owner() = default;
  };

  static constexpr size_t kReadSize = 128 * 1024;
  static constexpr size_t kMaxQueuedBytes = 4 * 1024 * 1024;
  static constexpr size_t kPipeCapacity = 256 * 1024;

  Pump(Owner& owner, asio::ip::tcp::socket& source, asio::ip::tcp::socket& sink, ToxicChain chain);
  Pump(const Pump&) = delete;
  Pump& operator=(const Pump&) = delete;

  // Starts reading and writing; both sockets must be connected. Once.
  void Start();
  // Makes the chain match the link's toxics (ToxicChain::Sync); may come
  // before Start.
  void SyncToxics(std::span<const ToxicEntry> entries, Clock::time_point now);
  // No more reads, writes or Owner calls. Idempotent. The owner closes the
  // sockets, which ends pending operations.
  void Stop();

  const ToxicChain& chain() const { return chain_; }

 private:
  // Whether reads go through the kernel pipe now.
  bool Splicing() const;
  void StartRead();
  void OnRead(const std::error_code& error, size_t size);
  void SpliceIn();
  void StartWrite();
  // Empties the pipe into the sink; false while it waits for the sink (a
  // wait is armed) or after a failure. Not while sink_waiting_.
  bool DrainPipe();
  void OnWritten(const std::error_code& error);
  void MaybeFinish();
  void Fail(const std::error_code& error);
  Bytes TakeBuffer();

  Owner& owner_;
  asio::ip::tcp::socket& source_;
  asio::ip::tcp::socket& sink_;
  ToxicChain chain_;
  asio::steady_timer due_timer_;
  asio::steady_timer eof_timer_;      // a delayed end of stream (slow_close)
  std::unique_ptr<KernelPipe> pipe_;  // null: splice unavailable, user space only

  std::deque<Chunk> queue_;                 // read, through the toxics, not yet written
  size_t queued_bytes_ = 0;                 // bytes in queue_
  size_t writing_chunks_ = 0;               // the first queue_ entries a write has in hand
  std::vector<Chunk> staged_;               // the chain's output for one read
  std::vector<asio::const_buffer> gather_;  // what the pending write sends
  std::vector<Bytes> spare_;                // written read buffers, for reuse
  Bytes read_buffer_;

  bool started_ = false;
  bool stopped_ = false;
  bool reading_ = false;       // a read or a wait for readable is pending
  bool writing_ = false;       // a write from the queue is pending
  bool sink_waiting_ = false;  // waiting for the sink to take pipe bytes
  bool waiting_ = false;       // due_timer_ runs for the queue's front
  bool source_ended_ = false;
  bool sink_shut_ = false;
  bool cut_ = false;  // a toxic ended the stream (limit_data)
  // When the end of the stream was first ready to leave (all before it
  // written): the chain's EofDue counts from there.
  std::optional<Clock::time_point> eof_ready_;
  std::optional<Clock::time_point> eof_wait_;  // the due time eof_timer_ waits for
  uint64_t eof_generation_ = 0;                // ignores a wait replaced since
};

}  // namespace cardflow::chaos
