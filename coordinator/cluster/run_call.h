// RunCall: one node's part in one run as ClusterRun (cluster_run.h) sees it
// — the messages it sends the node, and an Owner told of every update the
// node sends and of the call's end. NodeCall (node_call.h) is the one over
// gRPC; the coordinator's fuzz target (fuzz/cluster_run_fuzzer.cc) drives a
// ClusterRun through calls of its own.
//
// Contract of every implementation, which ClusterRun relies on:
//   - the Owner is told of updates one at a time, in order, and never from
//     inside a method of this interface (ClusterRun calls them holding its
//     lock);
//   - OnCallDone comes exactly once, last, whatever happened (deadline,
//     error, Close); the Owner may destroy the call once it returns;
//   - Start once, first; then Send*, Close from any thread. A Send after
//     Close (or once the call is ending) is dropped and returns false.
#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "common/run/run_messages.h"
#include "common/status/status.h"

namespace cardflow {

class RunCall {
 public:
  class Owner {
   public:
    virtual ~Owner() = default;
    // One update from node `index`, or why it cannot be taken (another
    // protocol version, an op this version does not know); per call, one at
    // a time, in order. The update is the Owner's: it may move from it (a
    // node's last update holds the registers of all its stacks).
    virtual void OnUpdate(size_t index, StatusOr<msg::RunUpdate> update) = 0;
    // The call is over; nothing else of it follows. The Owner may destroy
    // the call once this returns.
    virtual void OnCallDone(size_t index, const grpc::Status& status) = 0;
  };

  virtual ~RunCall() = default;

  // Opens the call with `deadline` and sends `assign`.
  virtual void Start(std::chrono::system_clock::time_point deadline, msg::Assign assign) = 0;

  // Each merged with what is queued. False once the call is closing.
  virtual bool Send(msg::Assign assign) = 0;  // again, with the program the node asked for
  virtual bool SendStart() = 0;
  virtual bool SendCancel() = 0;
  virtual bool Send(const std::vector<msg::TableReply>& replies) = 0;
  virtual bool Send(const msg::StepGrant& grant) = 0;
  virtual bool Send(const msg::Reroute& reroute) = 0;
  // Half-closes once what is queued is written: the node then ends the call.
  virtual void Close() = 0;
};

// Makes the call of participant `index` (RunPlan::participants) of one run,
// reporting to `owner`; not started.
using RunCallFactory = std::function<std::unique_ptr<RunCall>(RunCall::Owner& owner, size_t index)>;

}  // namespace cardflow
