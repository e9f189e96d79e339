// The raw gRPC baselines cluster_bench compares cardflow with, measured in
// the same process and with the same channel settings and messages: a bidi
// stream ping-pong (one CallbackBatch of one callback out, one ack back) and
// one-way streaming of one-callback messages, one write in flight at a time
// (the most a single gRPC stream allows).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cardflow::bench {

class RawServer {
 public:
  RawServer();  // serves on 127.0.0.1, an ephemeral port
  ~RawServer();
  const std::string& address() const { return address_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string address_;
};

// Round-trip times in microseconds of `count` ping-pongs on one stream.
std::vector<double> RawPingPong(const std::string& address, int count);

// Messages per second over one stream, `count` messages.
double RawStreaming(const std::string& address, int count);

}  // namespace cardflow::bench
