#include "coordinator/cluster/node_call.h"

#include <utility>

#include "common/base/tsan_edges.h"
#include "proto/convert.h"
#include "proto/grpc_status.h"
#include "proto/program_wire.h"
#include "proto/protocol.h"
#include "proto/raw_message.h"

namespace cardflow {

NodeCall::NodeCall(Owner& owner, size_t index, grpc::GenericStub& stub, ClusterObserver* observer,
                   std::string node)
    : owner_(owner),
      index_(index),
      stub_(stub),
      observer_(observer),
      node_(std::move(node)),
      outbox_(
          [this](wire::RunControl* control) {
            // One write at a time: write_bytes_ is free. An Assign may carry
            // megabytes of program: its bytes go out as one block of their
            // own, and the message is dropped at once (not held twice).
            if (control->has_assign()) {
              SerializeMessageAsOneSlice(*control, write_bytes_);
              *control = wire::RunControl();
            } else {
              SerializeMessage(*control, write_bytes_);
            }
            HappensBefore(Edge(this, ReactorOp::kWrite));
            StartWrite(&write_bytes_);
            HappensBefore(Edge(this, ReactorOp::kDone));
          },
          [](wire::RunControl& control) { control.set_protocol(kProtocolVersion); }, kMaxBatch) {}

void NodeCall::Start(std::chrono::system_clock::time_point deadline, msg::Assign assign) {
  context_.set_deadline(deadline);
  started_ = std::chrono::steady_clock::now();
  stub_.PrepareBidiStreamingCall(&context_, "/cardflow.wire.Node/Run", {}, this);
  AddHold();  // writes start from other threads; released when the outbox closes
  StartRead(&read_bytes_);
  outbox_.AddSeparate(
      [&](wire::RunControl& control) { ToWire(std::move(assign), control.mutable_assign()); });
  HappensBeforeAll(this);  // the reactions run on gRPC's threads
  StartCall();
}

bool NodeCall::Send(msg::Assign assign) {
  return outbox_.Add(
      0, [&](wire::RunControl& control) { ToWire(std::move(assign), control.mutable_assign()); });
}

bool NodeCall::SendStart() {
  return outbox_.Add(0, [](wire::RunControl& control) { control.set_start(true); });
}

bool NodeCall::SendCancel() {
  return outbox_.Add(0, [](wire::RunControl& control) { control.set_cancel(true); });
}

bool NodeCall::Send(const std::vector<msg::TableReply>& replies) {
  return outbox_.Add(replies.size(), [&](wire::RunControl& control) {
    control.mutable_table()->Reserve(control.table_size() + static_cast<int>(replies.size()));
    for (const msg::TableReply& reply : replies) ToWire(reply, control.add_table());
  });
}

bool NodeCall::Send(const msg::StepGrant& grant) {
  return outbox_.Add(1, [&](wire::RunControl& control) { ToWire(grant, control.add_grants()); });
}

bool NodeCall::Send(const msg::Reroute& reroute) {
  return outbox_.Add(
      0, [&](wire::RunControl& control) { ToWire(reroute, control.mutable_reroute()); });
}

void NodeCall::Close() {
  outbox_.Close(
      [this] {
        HappensBefore(Edge(this, ReactorOp::kDone));
        StartWritesDone();
        RemoveHold();
      },
      /*drain=*/true);
}

void NodeCall::OnReadDone(bool ok) {
  HappensAfter(Edge(this, ReactorOp::kRead));
  ReactionEnd end(this);
  if (!ok) {  // the node ended the call (or it broke): stop writing, let OnDone come
    outbox_.Close([this] { RemoveHold(); }, /*drain=*/false);
    return;
  }
  if (Status s = ParseMessage(read_bytes_, update_, "RunUpdate", "Run", ++updates_read_); !s.ok()) {
    // No more reads; OnDone reports this rather than how the node ends.
    malformed_ = ToGrpcStatus(s);
    outbox_.Close([this] { RemoveHold(); }, /*drain=*/false);
    context_.TryCancel();
    return;
  }
  StatusOr<msg::RunUpdate> update = [&]() -> StatusOr<msg::RunUpdate> {
    if (Status s = CheckProtocol(update_.protocol(), "RunUpdate"); !s.ok()) return s;
    return FromWire(update_);
  }();
  read_bytes_.Clear();
  // A batch of events or results (thousands of entries, from every node at
  // once near a run's end) lets update_'s storage go: else the coordinator
  // would hold each node's largest batch through the run (16 nodes: 17 MB at
  // 100,000 stacks).
  ReleaseIfLarge(update_, static_cast<size_t>(update_.table_size()) + update_.events_size() +
                              update_.results_size() + update_.arrived_size());
  const size_t requests = update.ok() ? update->table.size() : 0;
  if (observer_ == nullptr || requests == 0) {
    owner_.OnUpdate(index_, std::move(update));
  } else {
    // The owner serves the table requests inside OnUpdate: their replies
    // are queued on this call when it returns.
    const auto read = std::chrono::steady_clock::now();
    owner_.OnUpdate(index_, std::move(update));
    observer_->TableServed(node_, requests, std::chrono::steady_clock::now() - read);
  }
  HappensBefore(Edge(this, ReactorOp::kRead));
  StartRead(&read_bytes_);
}

void NodeCall::OnWriteDone(bool ok) {
  HappensAfter(Edge(this, ReactorOp::kWrite));
  ReactionEnd end(this);
  outbox_.OnWriteDone(ok);
}

void NodeCall::OnDone(const grpc::Status& ended) {
  HappensAfter(Edge(this, ReactorOp::kDone));
  const grpc::Status& status = malformed_.ok() ? ended : malformed_;
  // Before the owner hears of it: the owner may finish the run (and its
  // report may be out) as soon as OnCallDone returns.
  if (observer_) {
    observer_->RunCallDone(node_, std::chrono::steady_clock::now() - started_, status.ok());
  }
  owner_.OnCallDone(index_, status);
}

}  // namespace cardflow
