// RunStream: the node's end of one Node.Run call — the reactor that turns
// the coordinator's RunControl messages into a NodeRun's life and carries
// the run's RunUpdates back.
//
// Never blocks in a reaction: checking a new NodeProgram (once per program,
// cached by key) is the longest thing it does. A malformed message (bytes that are not a
// RunControl, a missing protocol version, anything but an assign first) or
// one out of order (a second assign, a start twice) finishes the call with
// INVALID_ARGUMENT (FAILED_PRECONDITION for a start that comes twice, or
// another protocol version) and a message saying what was wrong; the run,
// if any, is cancelled. Messages travel as raw bytes (NodeService), parsed
// here. Deletes itself in OnDone.
//
// Streamed events (NodeRun::Updates::SendEvents) count against a bound of
// kMaxUnsentEventBytes queued or being written; over it the run's stacks
// park (NodeRun's back-pressure) until the writes bring it down to half,
// when the stream calls NodeRun::Drained.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "common/base/mutex.h"
#include "common/status/status.h"
#include "node/node_context.h"
#include "node/node_run.h"
#include "proto/cardflow.grpc.pb.h"
#include "proto/outbox.h"

namespace cardflow {

class RunStream final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>,
                        private NodeRun::Updates {
 public:
  // Unsent streamed-event bytes (sizeof(Event) each, as queued) over which
  // the run's stacks park (16 batches of NodeRun::kEventsPerBatch events).
  static constexpr size_t kMaxUnsentEventBytes = 2 << 20;

  // `call`: the call's grpc_call* (CallbackServerContext::c_call()), the
  // key OnDone acquires under TSan (common/base/tsan_edges.h).
  RunStream(NodeContext& node, const void* call);

 private:
  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

  // NodeRun::Updates
  bool Send(const msg::TableRequest& request) override;
  bool Send(const msg::Arrival& arrival) override;
  bool SendSeparate(const msg::RunUpdate& update) override;
  Room SendEvents(std::vector<Event> events) override;

  Status Handle(const wire::RunControl& control);
  // Creates the run, or — its program not cached — asks for the program
  // (RunUpdate.missing_program) and waits for the next Assign.
  Status Assign(const wire::Assign& assign);
  // Finishes the call with `status` once every queued update is written.
  void End(const grpc::Status& status);
  std::shared_ptr<NodeRun> run() const EXCLUDES(mutex_);

  NodeContext& node_;
  const void* const call_;
  grpc::ByteBuffer read_bytes_;    // the message being read
  uint64_t messages_read_ = 0;     // reads complete so far (one at a time)
  wire::RunControl control_;       // read_bytes_, parsed
  grpc::ByteBuffer write_bytes_;   // the update being written (one at a time)
  Outbox<msg::RunUpdate> outbox_;  // converted to wire as each is written
  mutable Mutex mutex_;
  std::shared_ptr<NodeRun> run_ GUARDED_BY(mutex_);  // set by the first message
  bool registered_ GUARDED_BY(mutex_) = false;       // run_ is in node_.runs under its id
};

}  // namespace cardflow
