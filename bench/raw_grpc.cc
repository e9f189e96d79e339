#include "bench/raw_grpc.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <future>
#include <mutex>

#include "proto/cardflow.grpc.pb.h"
#include "proto/channel_settings.h"
#include "proto/protocol.h"

namespace cardflow::bench {

namespace {

using Clock = std::chrono::steady_clock;

// Echoes every message whose sender is "echo" with an ack; counts the rest.
class RawStream final : public grpc::ServerBidiReactor<wire::CallbackBatch, wire::CallbackAck> {
 public:
  RawStream() { StartRead(&in_); }

 private:
  void OnReadDone(bool ok) override {
    if (!ok) return Finish(grpc::Status::OK);
    if (in_.sender() == "echo") {
      out_.set_protocol(kProtocolVersion);
      out_.set_batch(in_.batch());
      StartWrite(&out_);  // the next read starts once the echo is written
      return;
    }
    StartRead(&in_);
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return Finish(grpc::Status::OK);
    StartRead(&in_);
  }
  void OnDone() override { delete this; }

  wire::CallbackBatch in_;
  wire::CallbackAck out_;
};

class RawService final : public wire::Node::CallbackService {
  grpc::ServerBidiReactor<wire::CallbackBatch, wire::CallbackAck>* Deliver(
      grpc::CallbackServerContext*) override {
    return new RawStream();
  }
};

wire::CallbackBatch Message(bool echo) {
  wire::CallbackBatch batch;
  batch.set_protocol(kProtocolVersion);
  if (echo) batch.set_sender("echo");
  wire::Callback* callback = batch.add_callbacks();
  callback->set_run_id(0x0123456789abcdef);
  callback->set_channel(1);
  callback->set_value(42);
  return batch;
}

// The client side of both baselines: writes `count` messages, each after
// the previous one's echo (ping-pong) or write completion (streaming).
class RawClient final : public grpc::ClientBidiReactor<wire::CallbackBatch, wire::CallbackAck> {
 public:
  RawClient(wire::Node::Stub& stub, int count, bool echo) : count_(count), echo_(echo) {
    out_ = Message(echo);
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
    stub.async()->Deliver(&context_, this);
    if (echo_) StartRead(&in_);
    Send();
    StartCall();
  }
  void Wait() { done_.get_future().wait(); }
  std::vector<double> rtts;
  double seconds = 0;

 private:
  void Send() {
    out_.set_batch(++sent_);
    out_.mutable_callbacks(0)->set_seq(sent_);
    sent_at_ = Clock::now();
    if (sent_ == 1) start_ = sent_at_;
    StartWrite(&out_);
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return;
    if (echo_) return Step(/*wrote=*/true);
    if (sent_ < count_) return Send();
    StartWritesDone();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    rtts.push_back(std::chrono::duration<double, std::micro>(Clock::now() - sent_at_).count());
    Step(/*wrote=*/false);
  }
  // Ping-pong: the next ping goes once the last one's write and echo are
  // both done (gRPC allows one write in flight); they may come in any order.
  void Step(bool wrote) {
    {
      std::lock_guard lock(mutex_);
      if (++halves_ < 2) return;
      halves_ = 0;
    }
    if (sent_ >= count_) return StartWritesDone();
    StartRead(&in_);
    Send();
  }
  void OnDone(const grpc::Status&) override {
    seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    done_.set_value();
  }

  const int count_;
  const bool echo_;
  grpc::ClientContext context_;
  wire::CallbackBatch out_;
  wire::CallbackAck in_;
  int sent_ = 0;
  std::mutex mutex_;
  int halves_ = 0;  // of the current ping-pong done: its write, its echo
  Clock::time_point sent_at_;
  Clock::time_point start_;
  std::promise<void> done_;
};

}  // namespace

struct RawServer::Impl {
  RawService service;
  std::unique_ptr<grpc::Server> server;
};

RawServer::RawServer() : impl_(std::make_unique<Impl>()) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&impl_->service);
  ConfigureServer(builder);
  impl_->server = builder.BuildAndStart();
  address_ = "127.0.0.1:" + std::to_string(port);
}

RawServer::~RawServer() {
  impl_->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
}

std::vector<double> RawPingPong(const std::string& address, int count) {
  auto stub = wire::Node::NewStub(MakeChannel(address, LinkSecurity()));
  RawClient client(*stub, count, /*echo=*/true);
  client.Wait();
  return client.rtts;
}

double RawStreaming(const std::string& address, int count) {
  auto stub = wire::Node::NewStub(MakeChannel(address, LinkSecurity()));
  RawClient client(*stub, count, /*echo=*/false);
  client.Wait();
  return count / client.seconds;
}

}  // namespace cardflow::bench
