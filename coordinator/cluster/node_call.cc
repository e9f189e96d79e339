#include "coordinator/cluster/node_call.h"

#include "proto/protocol.h"

namespace cardflow {

NodeCall::NodeCall(Owner& owner, size_t index)
    : owner_(owner),
      index_(index),
      outbox_([this](const wire::RunControl* control) { StartWrite(control); },
              [](wire::RunControl& control) { control.set_protocol(kProtocolVersion); },
              kMaxBatch) {}

void NodeCall::Start(wire::Node::Stub& stub, std::chrono::system_clock::time_point deadline,
                     const std::function<void(wire::RunControl&)>& first) {
  context_.set_deadline(deadline);
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
  owner_.OnUpdate(index_, update_);
  StartRead(&update_);
}

}  // namespace cardflow
