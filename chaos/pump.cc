#include "chaos/pump.h"

#include <asio/write.hpp>

namespace cardflow::chaos {

namespace {

// A write takes at most this many due chunks at once.
constexpr size_t kMaxGather = 64;
// Read buffers kept for reuse after their bytes are written.
constexpr size_t kMaxSpare = 4;
// Fill-and-drain rounds of the pipe per readable event.
constexpr int kSpliceRounds = 16;

}  // namespace

Pump::Pump(Owner& owner, asio::ip::tcp::socket& source, asio::ip::tcp::socket& sink,
           ToxicChain chain)
    : owner_(owner),
      source_(source),
      sink_(sink),
      chain_(std::move(chain)),
      due_timer_(sink.get_executor()),
      eof_timer_(sink.get_executor()) {}

void Pump::Start() {
  started_ = true;
  std::error_code error;
  source_.native_non_blocking(true, error);
  if (!error) sink_.native_non_blocking(true, error);
  // Without a pipe (out of descriptors) the pump still works, copying.
  if (!error) pipe_ = KernelPipe::Create(kPipeCapacity, &error);
  StartRead();
  StartWrite();
}

void Pump::SyncToxics(std::span<const ToxicEntry> entries, Clock::time_point now) {
  chain_.Sync(entries, now);
  if (!started_ || stopped_) return;
  StartRead();
  StartWrite();
  MaybeFinish();  // a removed blackhole may release a held end of stream
}

void Pump::Stop() {
  stopped_ = true;
  due_timer_.cancel();
  eof_timer_.cancel();
}

void Pump::Fail(const std::error_code& error) {
  Stop();
  owner_.OnPumpFailed(error);
}

bool Pump::Splicing() const { return pipe_ && queue_.empty() && chain_.acting() == 0; }

Bytes Pump::TakeBuffer() {
  if (spare_.empty()) return Bytes(kReadSize);
  Bytes buffer = std::move(spare_.back());
  spare_.pop_back();
  return buffer;
}

void Pump::StartRead() {
  if (stopped_ || reading_ || source_ended_) return;
  if (Splicing()) {
    if (pipe_->full()) return;  // DrainPipe makes room, then reads again
    reading_ = true;
    source_.async_wait(asio::socket_base::wait_read,
                       [this, keep = owner_.KeepAlive()](const std::error_code& error) {
                         reading_ = false;
                         if (stopped_) return;
                         if (error) return Fail(error);
                         SpliceIn();
                       });
    return;
  }
  if (queued_bytes_ >= kMaxQueuedBytes) return;  // OnWritten reads again
  reading_ = true;
  if (read_buffer_.capacity() == 0) read_buffer_ = TakeBuffer();
  source_.async_read_some(asio::buffer(read_buffer_.data(), read_buffer_.capacity()),
                          [this, keep = owner_.KeepAlive()](const std::error_code& error,
                                                            size_t size) { OnRead(error, size); });
}

void Pump::SpliceIn() {
  // Move while the source has bytes and the sink takes them, without a
  // round trip through the reactor per pipeful; a bounded number of rounds
  // so one busy connection does not starve the others on the executor. A
  // toxic may have come while the wait was pending: then the bytes take the
  // user-space path (the pipe still empties first).
  for (int round = 0; round < kSpliceRounds && Splicing() && !source_ended_; ++round) {
    // Fill the pipe as far as the source allows before draining it: fewer,
    // larger sends wake the receiver less often.
    bool drained_source = false;
    while (!pipe_->full() && !source_ended_) {
      const KernelPipe::Moved moved = pipe_->Fill(source_.native_handle());
      if (moved.error) return Fail(moved.error);
      source_ended_ = moved.eof;
      if (moved.would_block) {
        drained_source = true;
        break;
      }
    }
    // While the sink is full its wait is armed; it drains and reads again.
    if (sink_waiting_ || !DrainPipe()) {
      if (stopped_) return;
      break;
    }
    if (drained_source) break;
  }
  StartWrite();
  StartRead();
  MaybeFinish();
}

void Pump::OnRead(const std::error_code& error, size_t size) {
  reading_ = false;
  if (stopped_) return;
  if (error == asio::error::eof) {
    source_ended_ = true;
    MaybeFinish();
    return;
  }
  if (error) return Fail(error);
  read_buffer_.resize(size);
  staged_.clear();
  const bool termination_changed =
      chain_.Apply(Chunk{std::move(read_buffer_), Clock::now()}, staged_);
  read_buffer_ = Bytes();
  for (Chunk& chunk : staged_) {
    queued_bytes_ += chunk.bytes.size();
    queue_.push_back(std::move(chunk));
  }
  staged_.clear();
  if (chain_.Ended()) cut_ = source_ended_ = true;  // read no more
  if (termination_changed) owner_.OnTerminationChanged();
  StartWrite();
  StartRead();
  MaybeFinish();
}

bool Pump::DrainPipe() {
  while (!pipe_->empty()) {
    const KernelPipe::Moved moved = pipe_->Drain(sink_.native_handle());
    if (moved.error) {
      Fail(moved.error);
      return false;
    }
    if (moved.would_block) {
      sink_waiting_ = true;
      sink_.async_wait(asio::socket_base::wait_write,
                       [this, keep = owner_.KeepAlive()](const std::error_code& error) {
                         sink_waiting_ = false;
                         if (stopped_) return;
                         if (error) return Fail(error);
                         StartWrite();
                         StartRead();
                         MaybeFinish();
                       });
      return false;
    }
  }
  return true;
}

void Pump::StartWrite() {
  if (stopped_ || writing_ || waiting_ || sink_waiting_) return;
  // Bytes in the pipe were read before anything in the queue.
  if (pipe_ && !DrainPipe()) return;
  if (queue_.empty()) return;
  const Clock::time_point now = Clock::now();
  if (queue_.front().due > now) {
    waiting_ = true;
    due_timer_.expires_at(queue_.front().due);
    due_timer_.async_wait([this, keep = owner_.KeepAlive()](const std::error_code&) {
      waiting_ = false;
      StartWrite();
    });
    return;
  }
  gather_.clear();
  for (const Chunk& chunk : queue_) {
    if (chunk.due > now || gather_.size() == kMaxGather) break;
    gather_.push_back(asio::buffer(chunk.bytes.data(), chunk.bytes.size()));
  }
  writing_chunks_ = gather_.size();
  writing_ = true;
  asio::async_write(sink_, std::span<const asio::const_buffer>(gather_),
                    [this, keep = owner_.KeepAlive()](const std::error_code& error, size_t) {
                      OnWritten(error);
                    });
}

void Pump::OnWritten(const std::error_code& error) {
  writing_ = false;
  if (stopped_) return;
  if (error) return Fail(error);
  for (size_t i = 0; i < writing_chunks_; ++i) {
    Bytes& bytes = queue_.front().bytes;
    queued_bytes_ -= bytes.size();
    if (bytes.capacity() == kReadSize && spare_.size() < kMaxSpare)
      spare_.push_back(std::move(bytes));
    queue_.pop_front();
  }
  writing_chunks_ = 0;
  StartWrite();
  StartRead();
  MaybeFinish();
}

void Pump::MaybeFinish() {
  if (stopped_ || !source_ended_ || sink_shut_ || writing_ || sink_waiting_ || !queue_.empty() ||
      (pipe_ && !pipe_->empty())) {
    return;
  }
  if (cut_) {
    sink_shut_ = true;
    owner_.OnPumpCut();
    return;
  }
  const Clock::time_point now = Clock::now();
  if (!eof_ready_) eof_ready_ = now;
  const Clock::time_point due = chain_.EofDue(*eof_ready_);
  if (due > now) {
    if (eof_wait_ == due) return;  // already waiting for exactly that
    eof_wait_ = due;
    eof_timer_.expires_at(due);
    eof_timer_.async_wait(
        [this, keep = owner_.KeepAlive(), generation = ++eof_generation_](const std::error_code&) {
          if (generation != eof_generation_) return;  // replaced by a later wait
          eof_wait_.reset();
          MaybeFinish();
        });
    return;
  }
  ++eof_generation_;
  eof_timer_.cancel();
  sink_shut_ = true;
  std::error_code ignored;
  sink_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  owner_.OnPumpFinished();
}

}  // namespace cardflow::chaos
