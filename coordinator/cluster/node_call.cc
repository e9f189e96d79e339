#include "coordinator/cluster/node_call.h"

#include "proto/protocol.h"

namespace cardflow {

NodeCall::NodeCall(Owner& owner, size_t index, ClusterObserver* observer, std::string node)
    : owner_(owner),
      index_(index),
      observer_(observer),
      node_(std::move(node)),
      outbox_([this](const wire::RunControl* control) { StartWrite(control); },
              [](wire::RunControl& control) { control.set_protocol(kProtocolVersion); },
              kMaxBatch) {}

void NodeCall::Start(wire::Node::Stub& stub, std::chrono::system_clock::time_point deadline,
                     const std::function<void(wire::RunControl&)>& first) {
  context_.set_deadline(deadline);
  started_ = std::chrono::steady_clock::now();
  stub.async()->Run(&context_, this);
  AddHold();  // writes start from other threads; released when the outbox closes
  StartRead(&update_);
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
  StartRead(&update_);
}

void NodeCall::OnDone(const grpc::Status& status) {
  // Before the owner hears of it: the owner may finish the run (and its
  // report may be out) as soon as OnCallDone returns.
  if (observer_) {
    observer_->RunCallDone(node_, std::chrono::steady_clock::now() - started_, status.ok());
  }
  owner_.OnCallDone(index_, status);
}

}  // namespace cardflow
