// libFuzzer target: the messages a node takes from the network, as bytes,
// through what the node does with them before and while using them — the
// same steps as its Run and Deliver reactors (node/run_stream.cc,
// node/deliver_stream.cc), without gRPC: ParseMessage, CheckProtocol, then
// NodeRun::Create (assign), OnTableReply, OnGrant, Reroute, Start, Cancel, Arrive,
// with the run's engines polled on an io_context after each message.
//
// Input: messages separated by "#MSG#". A message whose first byte is 'C'
// is a CallbackBatch (the rest of its bytes); any other first byte starts a
// RunControl (the rest of its bytes). As on a node, the first RunControl
// must assign the run, a bad message ends its "stream", and callbacks for
// another run id are dropped. Peer streams are shut down before the run
// starts, so no connection is ever made (a run that would send a callback
// to another node fails as it does at a node's shutdown).
//
// Beyond "no crash, no undefined behaviour, no leak", it checks that every
// refused message is refused with INVALID_ARGUMENT or FAILED_PRECONDITION
// (UNAVAILABLE only for a run needing peers) and a message.
#include <google/protobuf/stubs/logging.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>

#include <asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "fuzz/messages.h"
#include "node/node_context.h"
#include "node/node_run.h"
#include "node/peer_links.h"
#include "proto/cardflow.pb.h"
#include "proto/convert.h"
#include "proto/program_wire.h"
#include "proto/protocol.h"
#include "proto/raw_message.h"

namespace cardflow {
namespace {

void Require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "node_wire_fuzzer: broken invariant: %s\n", what);
  std::abort();
}

void RequireRefusal(const Status& status, bool may_be_unavailable) {
  Require(!status.message().empty(), "a refusal says what was wrong");
  const StatusCode code = status.code();
  Require(code == StatusCode::kInvalidArgument || code == StatusCode::kFailedPrecondition ||
              (may_be_unavailable && code == StatusCode::kUnavailable),
          "a refused message is INVALID_ARGUMENT or FAILED_PRECONDITION");
}

// The run's Run stream: each update is serialized, as the stream would.
// Converted as RunStream converts (proto/convert.h).
class FakeUpdates final : public NodeRun::Updates {
 public:
  bool Send(const msg::TableRequest& request) override {
    msg::RunUpdate update;
    update.table.push_back(request);
    return SendSeparate(update);
  }
  bool Send(const msg::Arrival& arrival) override {
    msg::RunUpdate update;
    update.arrived.push_back(arrival);
    return SendSeparate(update);
  }
  bool SendSeparate(const msg::RunUpdate& update) override {
    wire::RunUpdate out;
    out.set_protocol(kProtocolVersion);
    ToWire(update, &out);
    grpc::ByteBuffer bytes;
    Require(SerializeMessage(out, bytes), "a RunUpdate serializes");
    Require(FromWire(out).ok(), "what a node sends, the coordinator takes");
    return true;
  }
};

grpc::ByteBuffer Bytes(std::string_view data) {
  grpc::Slice slice(data.data(), data.size());
  return grpc::ByteBuffer(&slice, 1);
}

std::shared_ptr<spdlog::logger> NullLog() {
  static auto log =
      std::make_shared<spdlog::logger>("fuzz", std::make_shared<spdlog::sinks::null_sink_mt>());
  return log;
}

// One node's view of one Run call plus one Deliver call.
class Session {
 public:
  Session() {
    node_.name = "X";
    node_.set_advertise("127.0.0.1:1");
    node_.executor = io_->get_executor();
    node_.log = NullLog();
    node_.peers = std::make_unique<PeerLinks>(
        node_.name, LinkSecurity(),
        [](const std::string&, const std::string&, const std::vector<uint64_t>&, bool, bool) {});
    node_.peers->Shutdown(std::chrono::milliseconds(0));  // no connection, ever
  }

  ~Session() {
    if (run_) {
      run_->Detach();  // cancels the run, as the end of its Run call does
      Poll();
      run_.reset();
    }
    io_.reset();  // destroys what is still queued while node_ is alive
  }

  // False once the "streams" are over.
  bool Take(std::string_view message) {
    if (message.empty()) return true;
    const bool callbacks = message[0] == 'C';
    message.remove_prefix(1);
    Status status = callbacks ? TakeBatch(message) : TakeControl(message);
    Poll();
    if (status.ok()) return true;
    RequireRefusal(status, /*may_be_unavailable=*/!run_);
    if (run_) run_->Cancel(status.message());
    Poll();
    return false;
  }

 private:
  Status TakeControl(std::string_view bytes) {
    grpc::ByteBuffer buffer = Bytes(bytes);
    wire::RunControl control;
    if (Status s = ParseMessage(buffer, control, "RunControl", "Run", ++controls_); !s.ok()) {
      Require(s.code() == StatusCode::kInvalidArgument,
              "bytes that do not parse: INVALID_ARGUMENT");
      return s;
    }
    if (Status s = CheckProtocol(control.protocol(), "RunControl"); !s.ok()) return s;
    if (control.has_assign()) {
      if (run_) return InvalidArgumentError("a Run call assigns one run, this one assigned two");
      auto resolved = ResolveAssign(control.assign(), node_.programs);
      if (!resolved.ok()) return resolved.status();
      if (!resolved->program) return Status::Ok();  // the node asks for it
      // `work` burns up to 10 s of CPU a card and `sleep` waits: valid, but
      // the fuzzer polls the executor on its own thread, so such a run
      // would only look like a hang. Not what this target explores.
      for (const Instr& instr : resolved->program->program.code) {
        if (instr.op == Op::kWork || instr.op == Op::kSleep) return Status::Ok();
      }
      auto created = NodeRun::Create(*resolved, node_);
      if (!created.ok()) return created.status();
      run_ = std::move(created).value();
      Require(run_->id() == control.assign().run_id(), "the run has the assign's id");
      Require(run_->state() == NodeRun::State::kAssigned, "a new run is assigned");
      run_->Attach(&updates_);
      return Status::Ok();
    }
    if (!run_) return InvalidArgumentError("the first RunControl of a Run call must assign a run");
    for (const wire::TableReply& reply : control.table()) {
      if (Status s = run_->OnTableReply(FromWire(reply)); !s.ok()) return s;
    }
    for (const wire::Grant& grant : control.grants()) {
      if (Status s = run_->OnGrant(FromWire(grant)); !s.ok()) return s;
    }
    if (control.has_reroute()) {
      auto reroute = FromWire(control.reroute(), run_->program());
      if (!reroute.ok()) return reroute.status();
      if (Status s = run_->Reroute(*reroute); !s.ok()) return s;
    }
    if (control.start()) {
      if (Status s = run_->Start(); !s.ok()) return s;
    }
    if (control.cancel()) run_->Cancel("cancelled by the coordinator");
    return Status::Ok();
  }

  Status TakeBatch(std::string_view bytes) {
    grpc::ByteBuffer buffer = Bytes(bytes);
    wire::CallbackBatch batch;
    if (Status s = ParseMessage(buffer, batch, "CallbackBatch", "Deliver", ++batches_); !s.ok()) {
      Require(s.code() == StatusCode::kInvalidArgument,
              "bytes that do not parse: INVALID_ARGUMENT");
      return s;
    }
    if (Status s = CheckProtocol(batch.protocol(), "CallbackBatch"); !s.ok()) return s;
    if (batch.batch() != delivered_ + 1) return InvalidArgumentError("batches count up from 1");
    delivered_ = batch.batch();
    for (const wire::Callback& callback : batch.callbacks()) {
      if (!run_ || callback.run_id() != run_->id()) continue;  // a run this node does not hold
      if (Status s = run_->Arrive(FromWire(callback)); !s.ok()) {
        RequireRefusal(s, /*may_be_unavailable=*/false);
        run_->Fault("Y", "127.0.0.1:2", "bad callback from node Y: " + s.message());
      }
    }
    return Status::Ok();
  }

  void Poll() {
    io_->restart();
    io_->poll();
  }

  std::unique_ptr<asio::io_context> io_ = std::make_unique<asio::io_context>();
  NodeContext node_;
  FakeUpdates updates_;
  std::shared_ptr<NodeRun> run_;
  uint64_t controls_ = 0;
  uint64_t batches_ = 0;
  uint64_t delivered_ = 0;
};

}  // namespace
}  // namespace cardflow

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Protobuf logs every string field that is not UTF-8 it parses; the node
  // does too (a finding of this fuzzer), but here it only hides the output.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cardflow::Session session;
  for (std::string_view message :
       cardflow::fuzz::SplitMessages(std::string_view(reinterpret_cast<const char*>(data), size))) {
    if (!session.Take(message)) break;
  }
  return 0;
}
