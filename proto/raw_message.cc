#include "proto/raw_message.h"

#include <fmt/format.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>

#include <memory>
#include <string>

namespace cardflow {

Status ParseMessage(grpc::ByteBuffer& buffer, google::protobuf::MessageLite& message,
                    std::string_view what, std::string_view call, uint64_t index) {
  const size_t bytes = buffer.Length();
  message.Clear();
  bool parsed = true;
  if (bytes > 0) {
    grpc::ProtoBufferReader reader(&buffer);
    parsed = reader.status().ok() && message.ParseFromZeroCopyStream(&reader);
  }
  buffer.Clear();
  if (parsed) return Status::Ok();
  return InvalidArgumentError(
      fmt::format("message {} of the {} call is not a valid {} ({} bytes that do not parse)", index,
                  call, what, bytes));
}

bool SerializeMessage(const google::protobuf::MessageLite& message, grpc::ByteBuffer& buffer) {
  buffer.Clear();  // ProtoBufferWriter wants an empty buffer
  bool own_buffer = false;
  return grpc::GenericSerialize<grpc::ProtoBufferWriter, google::protobuf::MessageLite>(
             message, &buffer, &own_buffer)
      .ok();
}

bool SerializeMessageAsOneSlice(const google::protobuf::MessageLite& message,
                                grpc::ByteBuffer& buffer) {
  auto bytes = std::make_unique<std::string>();
  if (!message.SerializeToString(bytes.get())) return false;
  std::string* owned = bytes.release();  // the slice's now: freed with its last reference
  grpc::Slice slice(
      owned->data(), owned->size(), [](void* s) { delete static_cast<std::string*>(s); }, owned);
  grpc::ByteBuffer one(&slice, 1);
  buffer.Swap(&one);
  return true;
}

}  // namespace cardflow
