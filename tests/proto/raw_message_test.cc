// raw_message.h: a stream's reused message keeps a small message's storage
// for the next parse and lets a big one's go (ReleaseIfLarge).
#include "proto/raw_message.h"

#include <gtest/gtest.h>

#include "proto/cardflow.pb.h"

namespace cardflow {
namespace {

// A RunControl of `replies` table replies, parsed into `message` as a
// stream parses each message it reads.
void ParseReplies(wire::RunControl& message, int replies) {
  wire::RunControl sent;
  for (int i = 0; i < replies; ++i) sent.add_table()->set_stack(static_cast<uint32_t>(i));
  grpc::ByteBuffer buffer;
  ASSERT_TRUE(SerializeMessage(sent, buffer));
  ASSERT_TRUE(ParseMessage(buffer, message, "RunControl", "Run", 1).ok());
  ASSERT_EQ(message.table_size(), replies);
}

TEST(RawMessageTest, ASmallMessageKeepsItsStorageForTheNextParse) {
  wire::RunControl message;
  ParseReplies(message, static_cast<int>(kKeptEntries));
  ReleaseIfLarge(message, static_cast<size_t>(message.table_size()));
  ParseReplies(message, 1);  // clears the message: its replies stay allocated for reuse
  EXPECT_GE(message.table().Capacity(), static_cast<int>(kKeptEntries));
}

TEST(RawMessageTest, ABigMessageLetsItsStorageGo) {
  wire::RunControl message;
  ParseReplies(message, 4096);
  ReleaseIfLarge(message, static_cast<size_t>(message.table_size()));
  EXPECT_EQ(message.table_size(), 0);
  EXPECT_EQ(message.table().Capacity(), 0);  // nothing of the 4,096 replies is held
  ParseReplies(message, 3);                  // and the message is still usable
}

}  // namespace
}  // namespace cardflow
