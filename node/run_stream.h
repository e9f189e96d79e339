// RunStream: the node's end of one Node.Run call — the reactor that turns
// the coordinator's RunControl messages into a NodeRun's life and carries
// the run's RunUpdates back.
//
// Never blocks in a reaction: compiling the deck (once per deck, cached) is
// the longest thing it does. A malformed message finishes the call with
// INVALID_ARGUMENT and a message saying what was wrong; the run, if any, is
// cancelled. Deletes itself in OnDone.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <mutex>

#include "common/status/status.h"
#include "node/node_context.h"
#include "node/node_run.h"
#include "proto/cardflow.grpc.pb.h"
#include "proto/outbox.h"

namespace cardflow {

class RunStream final : public grpc::ServerBidiReactor<wire::RunControl, wire::RunUpdate>,
                        private NodeRun::Updates {
 public:
  explicit RunStream(NodeContext& node);

 private:
  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override { outbox_.OnWriteDone(ok); }
  void OnCancel() override;
  void OnDone() override;

  // NodeRun::Updates
  bool Send(size_t items, const std::function<void(wire::RunUpdate&)>& fill) override;
  bool SendSeparate(const std::function<void(wire::RunUpdate&)>& fill) override;

  Status Handle(const wire::RunControl& control);
  Status Assign(const wire::Assign& assign);
  // Finishes the call with `status` once every queued update is written.
  void End(const grpc::Status& status);
  std::shared_ptr<NodeRun> run() const;

  NodeContext& node_;
  wire::RunControl control_;
  Outbox<wire::RunUpdate> outbox_;
  mutable std::mutex mutex_;
  std::shared_ptr<NodeRun> run_;  // set by the first message; guarded by mutex_
  bool registered_ = false;       // run_ is in node_.runs under its id; guarded by mutex_
};

}  // namespace cardflow
