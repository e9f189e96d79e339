// libFuzzer target: the coordinator's side of a remote run — the RunUpdates
// its nodes send, as bytes, through what the coordinator does with them: the
// steps of NodeCall's reads (coordinator/cluster/node_call.cc: ParseMessage,
// CheckProtocol, FromWire), then a real ClusterRun (LaunchClusterRun) with
// fake calls (coordinator/cluster/run_call.h) in place of gRPC, for
// examples/transfer.deck with stack A on node X and B on node Y. No socket
// is opened: the plan's NodeConnections make lazy channels nobody dials.
//
// Input: messages separated by "#MSG#". The first one is the header: its
// first byte 's' picks the seeded shuffle (anything else: network), its
// second byte 'n' ordering none (anything else: callbacks). Then, by first
// byte:
//   'X' / 'Y'  a RunUpdate from node X / Y (the rest of its bytes);
//   'x' / 'y'  node X's / Y's call ends with the gRPC status code of the
//              next byte (mod 17; 0 is OK), the rest its message — a node
//              dying, a deadline, a node that ends the call early;
//   others     ignored.
// As on gRPC, an update that does not parse ends its call with
// INVALID_ARGUMENT, a call the run closed ends (OK) before the next message,
// messages for an ended call are dropped, and when the input is over every
// call still open ends with DEADLINE_EXCEEDED (the run's deadline).
//
// Beyond "no crash, no undefined behaviour, no leak, no hang", it checks
// that the run reports exactly once, after every call ended; that a run
// that failed says why (UNAVAILABLE or DEADLINE_EXCEEDED and a message
// naming a node); that a run that completed has its outcome or its error;
// that nothing is sent on a call before it starts.
//
// Seeds (fuzz/corpus/cluster_run/): the updates of real runs of
// transfer.deck on two loopback nodes (each mode, seed 1), captured at
// NodeCall's read, and variations of them: a node dying mid-run (recovery
// onto the other), a malformed update, a protocol mismatch.
#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include <asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/deck/load.h"
#include "common/schedule/step.h"
#include "coordinator/cluster/cluster_options.h"
#include "coordinator/cluster/cluster_run.h"
#include "coordinator/cluster/node_connections.h"
#include "coordinator/cluster/run_call.h"
#include "coordinator/cluster/run_plan.h"
#include "fuzz/messages.h"
#include "proto/cardflow.pb.h"
#include "proto/convert.h"
#include "proto/grpc_status.h"
#include "proto/program_wire.h"
#include "proto/protocol.h"
#include "proto/raw_message.h"

namespace cardflow {
namespace {

constexpr std::string_view kTransferDeck =
    R"(# transfer.deck: A deposits 50, then B doubles the balance.
shared balance = 100

stack A on X:
    read balance -> a
    add a 50
    write a -> balance
    notify B            # callback: tell B what we did

stack B on Y:
    await A             # resume only after A's callback
    read balance -> b
    mul b 2
    write b -> balance

expect balance == 300
)";

void Require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "cluster_run_fuzzer: broken invariant: %s\n", what);
  std::abort();
}

// The deck compiled once per ordering: immutable, shared by every input.
struct CompiledTransfer {
  explicit CompiledTransfer(Ordering ordering)
      : program(*LoadDeck(kTransferDeck, "transfer.deck", ordering).program), steps(program) {}
  Program program;
  StepPlan steps;
};

const CompiledTransfer& Transfer(Ordering ordering) {
  static const CompiledTransfer callbacks(Ordering::kCallbacks);
  static const CompiledTransfer none(Ordering::kNone);
  return ordering == Ordering::kNone ? none : callbacks;
}

class Session;

// One node's Run call as the ClusterRun sees it: what it is sent is
// converted to the wire as NodeCall converts it, and dropped.
class FakeCall final : public RunCall {
 public:
  FakeCall(Session& session, Owner& owner, size_t index)
      : session_(session), owner_(owner), index_(index) {}
  ~FakeCall() override;

  void Start(std::chrono::system_clock::time_point, msg::Assign assign) override {
    Require(!started_, "a call starts once");
    started_ = true;
    Require(assign.run_id == 1 && assign.seed == 1, "the assign names the run and its seed");
    wire::RunControl control;
    ToWire(std::move(assign), control.mutable_assign());
  }
  bool Send(msg::Assign assign) override {
    return Queue(
        [&](wire::RunControl& control) { ToWire(std::move(assign), control.mutable_assign()); });
  }
  bool SendStart() override {
    return Queue([](wire::RunControl& control) { control.set_start(true); });
  }
  bool SendCancel() override {
    return Queue([](wire::RunControl& control) { control.set_cancel(true); });
  }
  bool Send(const std::vector<msg::TableReply>& replies) override {
    return Queue([&](wire::RunControl& control) {
      for (const msg::TableReply& reply : replies) ToWire(reply, control.add_table());
    });
  }
  bool Send(const msg::StepGrant& grant) override {
    return Queue([&](wire::RunControl& control) { ToWire(grant, control.add_grants()); });
  }
  bool Send(const msg::Reroute& reroute) override {
    return Queue([&](wire::RunControl& control) { ToWire(reroute, control.mutable_reroute()); });
  }
  void Close() override { closed_ = true; }

  // The node's side: an update, or the end of the call.
  void Receive(std::string_view bytes) {
    grpc::Slice slice(bytes.data(), bytes.size());
    grpc::ByteBuffer buffer(&slice, 1);
    wire::RunUpdate update;
    if (Status s = ParseMessage(buffer, update, "RunUpdate", "Run", ++updates_read_); !s.ok()) {
      Require(s.code() == StatusCode::kInvalidArgument && !s.message().empty(),
              "bytes that do not parse: INVALID_ARGUMENT saying so");
      return End(ToGrpcStatus(s));
    }
    StatusOr<msg::RunUpdate> taken = [&]() -> StatusOr<msg::RunUpdate> {
      if (Status s = CheckProtocol(update.protocol(), "RunUpdate"); !s.ok()) return s;
      return FromWire(update);
    }();
    if (!taken.ok()) Require(!taken.status().message().empty(), "a refusal says what was wrong");
    owner_.OnUpdate(index_, std::move(taken));
  }
  // May destroy this call (the run may finish and delete its calls once
  // the last one ends).
  void End(const grpc::Status& status) {
    Require(started_, "a call ends after it started");
    ended_ = true;
    owner_.OnCallDone(index_, status);
  }
  bool closed() const { return closed_; }

 private:
  template <typename Fill>
  bool Queue(Fill fill) {
    Require(started_, "nothing is sent before the call starts");
    if (closed_ || ended_) return false;  // as NodeCall's closed outbox drops it
    wire::RunControl control;
    control.set_protocol(kProtocolVersion);
    fill(control);
    grpc::ByteBuffer bytes;
    Require(SerializeMessage(control, bytes), "a RunControl serializes");
    return true;
  }

  Session& session_;
  Owner& owner_;
  const size_t index_;
  bool started_ = false;
  bool closed_ = false;
  bool ended_ = false;
  uint64_t updates_read_ = 0;
};

// One run of the deck, driven by the input's messages.
class Session {
 public:
  Session(Shuffle shuffle, Ordering ordering) : deck_(Transfer(ordering)) {
    ClusterOptions options;
    options.ordering = ordering;
    options.shuffle = shuffle;
    plan_ = std::move(*MakeRunPlan(deck_.program, deck_.steps, options, Connections(),
                                   {/*X=*/0, /*Y=*/1}, nullptr));
    Require(plan_.participants.size() == 2, "both nodes take part");
    LaunchClusterRun(
        plan_, /*run_id=*/1, /*seed=*/1, io_.get_executor(),
        [this](ClusterRunResult result) {
          Require(!result_, "the run reports once");
          for (FakeCall* call : calls_) Require(call == nullptr, "the run reports after its calls");
          result_ = std::move(result);
        },
        [this](RunCall::Owner& owner, size_t index) {
          Require(index < calls_.size() && calls_[index] == nullptr, "one call per participant");
          auto call = std::make_unique<FakeCall>(*this, owner, index);
          calls_[index] = call.get();
          return call;
        });
    for (FakeCall* call : calls_) Require(call != nullptr, "a call per participant");
  }

  // Node `index`'s call is gone (the run destroys its calls as it finishes).
  void Forget(size_t index) { calls_[index] = nullptr; }

  void Take(std::string_view message) {
    if (message.empty()) return;
    const char kind = message[0];
    message.remove_prefix(1);
    const bool update = kind == 'X' || kind == 'Y';
    const bool end = kind == 'x' || kind == 'y';
    if (!update && !end) return;
    const size_t index = (kind == 'X' || kind == 'x') ? 0 : 1;
    if (FakeCall* call = calls_[index]; call != nullptr && !ended_[index]) {
      if (update) {
        call->Receive(message);
      } else {
        const int code = message.empty() ? 0 : static_cast<unsigned char>(message[0]) % 17;
        if (!message.empty()) message.remove_prefix(1);
        End(index, grpc::Status(static_cast<grpc::StatusCode>(code), std::string(message)));
      }
    }
    EndClosed();
  }

  // The input is over: the deadline ends every call still open. Then the
  // run must have reported.
  void Finish() {
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (calls_[i] != nullptr && !ended_[i]) {
        End(i, grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"));
      }
    }
    Poll();
    Require(result_.has_value(), "every call ended: the run reported");
    const ClusterRunResult& out = *result_;
    if (!out.fault.ok()) {
      Require(out.fault.code() == StatusCode::kUnavailable ||
                  out.fault.code() == StatusCode::kDeadlineExceeded,
              "a run the cluster could not carry is UNAVAILABLE or DEADLINE_EXCEEDED");
      Require(out.fault.message().find("node ") != std::string::npos,
              "a fault names the node it came from");
      return;
    }
    const RunResult& result = out.result;
    Require(result.seed == 1, "the result is the run's");
    Require(result.error.has_value() || result.values.size() == deck_.program.outcome.size(),
            "a completed run has its outcome or its error");
  }

 private:
  void End(size_t index, const grpc::Status& status) {
    ended_[index] = true;
    calls_[index]->End(status);  // may destroy the call
    Poll();
  }

  // A call the run closed ends: the node ends it once the coordinator
  // half-closed.
  void EndClosed() {
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (calls_[i] != nullptr && !ended_[i] && calls_[i]->closed()) End(i, grpc::Status::OK);
    }
    Poll();
  }

  void Poll() {
    io_.restart();
    io_.poll();
  }

  // Shared by every input, as by every run of a coordinator: a channel
  // made per input would cost more than the run (and gRPC keeps some of
  // each). Only the first Assign to each node carries its program.
  static const NodeConnections& Connections() {
    static const NodeConnections* const connections =
        new NodeConnections({{"X", "127.0.0.1:1"}, {"Y", "127.0.0.1:2"}}, LinkSecurity());
    return *connections;
  }

  const CompiledTransfer& deck_;
  RunPlan plan_;
  asio::io_context io_;
  std::vector<FakeCall*> calls_ = std::vector<FakeCall*>(2, nullptr);  // null once destroyed
  std::vector<bool> ended_ = std::vector<bool>(2, false);
  std::optional<ClusterRunResult> result_;
};

FakeCall::~FakeCall() { session_.Forget(index_); }

}  // namespace
}  // namespace cardflow

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  spdlog::set_level(spdlog::level::off);  // recovery warns; faults are checked, not read
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<std::string_view> messages =
      cardflow::fuzz::SplitMessages(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string_view header = messages.front();
  const auto shuffle = !header.empty() && header[0] == 's' ? cardflow::Shuffle::kSeeded
                                                           : cardflow::Shuffle::kNetwork;
  const auto ordering = header.size() > 1 && header[1] == 'n' ? cardflow::Ordering::kNone
                                                              : cardflow::Ordering::kCallbacks;
  cardflow::Session session(shuffle, ordering);
  for (size_t i = 1; i < messages.size(); ++i) session.Take(messages[i]);
  session.Finish();
  return 0;
}
