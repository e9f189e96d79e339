#include "coordinator/cluster/node_call.h"

#include "proto/grpc_status.h"
#include "proto/protocol.h"
#include "proto/raw_message.h"

namespace cardflow {

NodeCall::NodeCall(Owner& owner, size_t index, ClusterObserver* observer, std::string node)
    : owner_(owner),
      index_(index),
      observer_(observer),
      node_(std::move(node)),
      outbox_(
          [this](const wire::RunControl* control) {
            SerializeMessage(*control, write_bytes_);  // one write at a time: it is free
            StartWrite(&write_bytes_);
          },
          [](wire::RunControl& control) { control.set_protocol(kProtocolVersion); }, kMaxBatch) {}

void NodeCall::Start(grpc::GenericStub& stub, std::chrono::system_clock::time_point deadline,
                     const std::function<void(wire::RunControl&)>& first) {
  context_.set_deadline(deadline);
  started_ = std::chrono::steady_clock::now();
  stub.PrepareBidiStreamingCall(&context_, "/cardflow.wire.Node/Run", {}, this);
  AddHold();  // writes start from other threads; released when the outbox closes
  StartRead(&read_bytes_);
  outbox_.AddSeparate(first);
  StartCall();
}

void NodeCall::Close() {
  outbox_.Close(
      [this] {
        StartWritesDone();
        RemoveHold();
      },
      /*drain=*/true);
}

void NodeCall::OnReadDone(bool ok) {
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
  if (observer_ == nullptr || update_.table_size() == 0) {
    owner_.OnUpdate(index_, update_);
  } else {
    // The owner serves the table requests inside OnUpdate: their replies
    // are queued on this call when it returns.
    const auto read = std::chrono::steady_clock::now();
    owner_.OnUpdate(index_, update_);
    observer_->TableServed(node_, static_cast<size_t>(update_.table_size()),
                           std::chrono::steady_clock::now() - read);
  }
  StartRead(&read_bytes_);
}

void NodeCall::OnDone(const grpc::Status& ended) {
  const grpc::Status& status = malformed_.ok() ? ended : malformed_;
  // Before the owner hears of it: the owner may finish the run (and its
  // report may be out) as soon as OnCallDone returns.
  if (observer_) {
    observer_->RunCallDone(node_, std::chrono::steady_clock::now() - started_, status.ok());
  }
  owner_.OnCallDone(index_, status);
}

}  // namespace cardflow
