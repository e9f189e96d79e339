#include "node/run_stream.h"

#include <fmt/format.h>

#include "common/base/tsan_edges.h"
#include "node/node_metrics.h"
#include "proto/convert.h"
#include "proto/grpc_status.h"
#include "proto/program_wire.h"
#include "proto/protocol.h"
#include "proto/raw_message.h"

namespace cardflow {

namespace {

// Table requests merged into one update at most.
constexpr size_t kMaxTableBatch = 4096;

}  // namespace

RunStream::RunStream(NodeContext& node, const void* call)
    : node_(node),
      call_(call),
      outbox_(
          [this](msg::RunUpdate* update) {
            // Turned into its wire message only now, one update at a time:
            // queued updates stay in their domain form, a few times smaller
            // than a wire message's objects (a node's 6,250 stacks' first
            // requests, callbacks and events queued at once weighed 1 MB as
            // wire messages). Emptied once serialized.
            wire::RunUpdate out;
            out.set_protocol(kProtocolVersion);
            ToWire(*update, &out);
            *update = msg::RunUpdate{};
            // One write at a time (the Outbox's promise): write_bytes_ is free.
            SerializeMessage(out, write_bytes_);
            HappensBefore(Edge(this, ReactorOp::kWrite));
            StartWrite(&write_bytes_);
            HappensBefore(Edge(this, ReactorOp::kDone));
          },
          [](msg::RunUpdate&) {}, kMaxTableBatch) {
  // Called outside the outbox's lock; before OnDone (the outbox is closed
  // and idle by then), so *this is alive.
  outbox_.SetBound(kMaxUnsentEventBytes, [this] {
    if (auto run = this->run()) run->Drained();
  });
  HappensBeforeAll(this);  // the reactions run on gRPC's threads
  StartRead(&read_bytes_);
}

std::shared_ptr<NodeRun> RunStream::run() const {
  MutexLock lock(mutex_);
  return run_;
}

void RunStream::OnReadDone(bool ok) {
  HappensAfter(Edge(this, ReactorOp::kRead));
  ReactionEnd end(this);
  if (!ok) {
    // The coordinator half-closed: the run is over for it (finished, failed
    // elsewhere, or abandoned). A run still going has nobody to report to.
    if (auto run = this->run()) run->Cancel("the coordinator closed the run");
    End(grpc::Status::OK);
    return;
  }
  Status status = ParseMessage(read_bytes_, control_, "RunControl", "Run", ++messages_read_);
  if (status.ok()) status = Handle(control_);
  // A batch of the coordinator's replies or grants (thousands when every
  // stack asks at once) would otherwise stay cached in control_ for the run.
  ReleaseIfLarge(control_, static_cast<size_t>(control_.table_size()) + control_.grants_size() +
                               control_.reroute().moves_size() +
                               control_.reroute().adopted().stacks_size());
  if (!status.ok()) {
    auto run = this->run();
    node_.log->warn("{}: {}", run ? run->Label() : "Run call", status.message());
    if (run) run->Cancel(status.message());
    End(ToGrpcStatus(status));
    return;  // no more reads: the call is over
  }
  HappensBefore(Edge(this, ReactorOp::kRead));
  StartRead(&read_bytes_);
}

Status RunStream::Handle(const wire::RunControl& control) {
  if (Status s = CheckProtocol(control.protocol(), "RunControl"); !s.ok()) return s;
  if (control.has_assign()) return Assign(control.assign());
  auto run = this->run();
  if (!run) return InvalidArgumentError("the first RunControl of a Run call must assign a run");
  for (const wire::TableReply& reply : control.table()) {
    if (Status s = run->OnTableReply(FromWire(reply)); !s.ok()) return s;
  }
  for (const wire::Grant& grant : control.grants()) {
    if (Status s = run->OnGrant(FromWire(grant)); !s.ok()) return s;
  }
  if (control.has_reroute()) {
    // Reroutes come only from this stream, one at a time: the program
    // checked against here is still the run's when Reroute takes it.
    auto reroute = FromWire(control.reroute(), run->program());
    if (!reroute.ok()) return reroute.status();
    if (Status s = run->Reroute(*reroute); !s.ok()) return s;
  }
  if (control.start()) {
    if (Status s = run->Start(); !s.ok()) return s;
  }
  if (control.cancel()) run->Cancel("cancelled by the coordinator");
  return Status::Ok();
}

Status RunStream::Assign(const wire::Assign& assign) {
  if (this->run()) return InvalidArgumentError("a Run call assigns one run, this one assigned two");
  if (node_.draining.load()) {
    return UnavailableError(fmt::format("node {} is shutting down", node_.name));
  }
  auto resolved = ResolveAssign(assign, node_.programs);
  if (!resolved.ok()) return resolved.status();
  if (!resolved->program) {
    // Not cached here (evicted, or this node restarted): ask for it.
    node_.log->debug("run {:016x}: program not cached, asking for it", assign.run_id());
    outbox_.AddSeparate([](msg::RunUpdate& update) { update.missing_program = true; });
    return Status::Ok();
  }
  auto created = NodeRun::Create(*resolved, node_);
  if (!created.ok()) return created.status();
  std::shared_ptr<NodeRun> run = std::move(created).value();
  {
    MutexLock lock(mutex_);
    run_ = run;
  }
  if (!node_.runs.Add(run->id(), run)) {
    return InvalidArgumentError(
        fmt::format("{} is already assigned to node {}", run->Label(), node_.name));
  }
  {
    MutexLock lock(mutex_);
    registered_ = true;
  }
  run->Attach(this);
  node_.log->debug(
      "{}: assigned (deck {}, ordering {}, {} stacks here)", run->Label(), assign.deck_name(),
      assign.ordering() == wire::ORDERING_NONE ? "none" : "callbacks", run->program().Own().size());
  if (node_.metrics) node_.metrics->Assigned(assign.ByteSizeLong(), assign.program().empty());
  outbox_.AddSeparate([](msg::RunUpdate& update) { update.ready = true; });
  return Status::Ok();
}

void RunStream::OnWriteDone(bool ok) {
  HappensAfter(Edge(this, ReactorOp::kWrite));
  ReactionEnd end(this);
  outbox_.OnWriteDone(ok);
}

void RunStream::OnCancel() {
  ReactionEnd end(this);
  if (auto run = this->run()) run->Cancel("the Run call was cancelled");
  End(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
}

void RunStream::End(const grpc::Status& status) {
  outbox_.Close(
      [this, status] {
        HappensBefore(Edge(this, ReactorOp::kDone));
        Finish(status);
      },
      /*drain=*/true);
}

void RunStream::OnDone() {
  HappensAfter(Edge(this, ReactorOp::kDone));
  HappensAfter(call_);
  std::shared_ptr<NodeRun> run;
  bool registered;
  {
    MutexLock lock(mutex_);
    run = std::move(run_);
    registered = registered_;
  }
  if (run) {
    run->Detach();  // after this no update reaches this reactor
    if (registered) node_.runs.Remove(run->id());
  }
  run.reset();  // may be the last reference: the run goes before the edge below
  NodeContext& node = node_;
  delete this;
  HappensBefore(&node);  // all of it before NodeServer::Stop's server->Wait() returns
}

bool RunStream::Send(const msg::TableRequest& request) {
  return outbox_.Add(1, [&](msg::RunUpdate& update) { update.table.push_back(request); });
}

bool RunStream::Send(const msg::Arrival& arrival) {
  return outbox_.Add(1, [&](msg::RunUpdate& update) { update.arrived.push_back(arrival); });
}

NodeRun::Updates::Room RunStream::SendEvents(std::vector<Event> events) {
  switch (outbox_.AddCounted([&](msg::RunUpdate& update) {
    update.events = std::move(events);
    return update.events.size() * sizeof(Event);
  })) {
    case Outbox<msg::RunUpdate>::Room::kRoom:
      return Room::kRoom;
    case Outbox<msg::RunUpdate>::Room::kFull:
      return Room::kFull;
    case Outbox<msg::RunUpdate>::Room::kClosed:
      break;
  }
  return Room::kClosed;
}

bool RunStream::SendSeparate(const msg::RunUpdate& update) {
  return outbox_.AddSeparate([&](msg::RunUpdate& out) { out = update; });
}

}  // namespace cardflow
