// Messages of the Node service as raw bytes, parsed by us rather than by
// gRPC, so that a message that does not parse gets an answer that says so.
//
// Why: on gRPC's typed callback API a stream message that fails to parse
// looks exactly like the client half-closing (OnReadDone(false)), so a Run
// or Deliver call whose message is garbage would end OK with no reply, and a
// unary request that fails to parse gets UNIMPLEMENTED with no message. The
// node therefore serves its methods raw (NodeService) and parses each
// message with ParseMessage, which names what was wrong.
//
// Thread-safety: plain functions over the caller's objects.
#pragma once

#include <google/protobuf/message_lite.h>
#include <grpcpp/support/byte_buffer.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/status/status.h"

namespace cardflow {

// Parses `buffer` into `message` (cleared first); `buffer` is left empty.
// INVALID_ARGUMENT when the bytes are not a `what` (the message's type name,
// "RunControl"): "message N of the <call> call is not a valid <what>
// (B bytes that do not parse)", N = `index` counting from 1, <call> =
// `call` ("Run"). A message of zero bytes is a valid, empty message (it
// fails the protocol check that follows instead).
Status ParseMessage(grpc::ByteBuffer& buffer, google::protobuf::MessageLite& message,
                    std::string_view what, std::string_view call, uint64_t index);

// A message parsed into again and again (a stream's reused message) keeps
// the objects of its repeated fields when cleared, to fill them next time:
// after one message of thousands of entries (a batch of table replies,
// callbacks, events or results) they would be held for the rest of the
// stream — at a node's or the coordinator's peak. Call after handling a
// message of `entries` entries: over kKeptEntries, `message` lets its
// storage go (a fresh parse costs little per entry); small messages, the
// common case between steps, keep reusing it.
inline constexpr size_t kKeptEntries = 64;
template <typename Message>
void ReleaseIfLarge(Message& message, size_t entries) {
  if (entries > kKeptEntries) Message().Swap(&message);
}

// Serializes `message` into `buffer` (replacing what it held). False only if
// protobuf cannot serialize it (over 2 GiB).
bool SerializeMessage(const google::protobuf::MessageLite& message, grpc::ByteBuffer& buffer);

// The same into one block of exactly the message's size that `buffer` then
// owns and gRPC writes as it is (no copy into gRPC's own slices): for a big
// message, such as an Assign carrying megabytes of program, whose bytes in
// many small slices would stay behind in the heap once written.
bool SerializeMessageAsOneSlice(const google::protobuf::MessageLite& message,
                                grpc::ByteBuffer& buffer);

}  // namespace cardflow
