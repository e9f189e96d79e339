// PeerLink, the sending end of a callback stream, against a receiver that
// answers each CallbackBatch with a CallbackAck of the test's choosing: a
// malformed ack ends the stream with what was wrong (INVALID_ARGUMENT, or
// FAILED_PRECONDITION for another protocol version) and names the runs
// whose callbacks were not acknowledged; a good one lets it close OK.
#include "node/peer_link.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "proto/cardflow.grpc.pb.h"
#include "proto/channel_settings.h"
#include "proto/protocol.h"
#include "tests/node/answering_reactor.h"

namespace cardflow {
namespace {

// A node whose Deliver answers every CallbackBatch with `ack`.
class AckingNode final : public wire::Node::WithCallbackMethod_Deliver<wire::Node::Service> {
 public:
  explicit AckingNode(wire::CallbackAck ack) : ack_(std::move(ack)) {}
  grpc::ServerBidiReactor<wire::CallbackBatch, wire::CallbackAck>* Deliver(
      grpc::CallbackServerContext* context) override {
    return new testing::AnsweringReactor<wire::CallbackBatch, wire::CallbackAck>(
        ack_, /*once=*/false, context->c_call());
  }

 private:
  const wire::CallbackAck ack_;
};

struct Ended {
  grpc::Status status;
  std::vector<uint64_t> lost;
};

// A receiver answering `ack`, one callback of run 42 sent to it, and how
// the stream ended. The link is closed after the first ack (or once the
// stream is over) as a run that is done with it would.
class PeerLinkTest : public ::testing::Test {
 protected:
  Ended SendOneAndEnd(const wire::CallbackAck& ack) {
    AckingNode service(ack);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
    EXPECT_NE(server, nullptr);
    EXPECT_GT(port, 0);
    address_ = "127.0.0.1:" + std::to_string(port);

    auto stub = wire::Node::NewStub(MakeChannel(address_, LinkSecurity()));
    std::promise<Ended> ended;
    std::shared_ptr<PeerLink> link = PeerLink::Open(
        *stub, address_, "X", std::chrono::system_clock::now() + std::chrono::seconds(30),
        [&ended](PeerLink*, const grpc::Status& status, std::vector<uint64_t> lost) {
          ended.set_value(Ended{status, std::move(lost)});
        });
    EXPECT_TRUE(link->Send(/*run_id=*/42, /*channel=*/0, /*seq=*/1, /*value=*/7, /*lamport=*/1));
    std::future<Ended> done = ended.get_future();
    // A good ack leaves the stream open until the sender closes it.
    if (done.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready) link->Close();
    if (done.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
      ADD_FAILURE() << "the stream did not end";
      link->Cancel();
      done.wait();
    }
    server->Shutdown();
    return done.get();
  }

  static wire::CallbackAck Ack(uint32_t protocol, uint64_t batch) {
    wire::CallbackAck ack;
    ack.set_protocol(protocol);
    ack.set_batch(batch);
    return ack;
  }

  std::string address_;
};

TEST_F(PeerLinkTest, AGoodAckLetsTheStreamCloseOkWithNothingLost) {
  const Ended ended = SendOneAndEnd(Ack(kProtocolVersion, 1));
  EXPECT_TRUE(ended.status.ok()) << ended.status.error_message();
  EXPECT_TRUE(ended.lost.empty());
}

struct MalformedAck {
  uint32_t protocol;
  uint64_t batch;
  grpc::StatusCode code;
  std::string what;  // after "node at ADDRESS sent a malformed CallbackAck: "
};

class MalformedAckTest : public PeerLinkTest, public ::testing::WithParamInterface<MalformedAck> {};

TEST_P(MalformedAckTest, EndsTheStreamSayingWhatWasWrong) {
  const MalformedAck& c = GetParam();
  const Ended ended = SendOneAndEnd(Ack(c.protocol, c.batch));
  EXPECT_EQ(ended.status.error_code(), c.code) << ended.status.error_message();
  EXPECT_EQ(ended.status.error_message(),
            "node at " + address_ + " sent a malformed CallbackAck: " + c.what);
  EXPECT_EQ(ended.lost, std::vector<uint64_t>{42});  // its callback was never acknowledged
}

INSTANTIATE_TEST_SUITE_P(
    PeerLink, MalformedAckTest,
    ::testing::Values(MalformedAck{kProtocolVersion, 5, grpc::StatusCode::INVALID_ARGUMENT,
                                   "it acknowledges batch 5, the last batch sent is 1"},
                      MalformedAck{kProtocolVersion, 0, grpc::StatusCode::INVALID_ARGUMENT,
                                   "it acknowledges batch 0"},
                      MalformedAck{0, 1, grpc::StatusCode::INVALID_ARGUMENT,
                                   "CallbackAck carries no protocol version"},
                      MalformedAck{kProtocolVersion + 1, 1, grpc::StatusCode::FAILED_PRECONDITION,
                                   "CallbackAck speaks protocol 3, this program speaks 2"}));

}  // namespace
}  // namespace cardflow
