// Status and StatusOr<T> for cardflow-chaos: errors as values.
//
// chaos/ stands alone (docs/chaos.md): it links neither common/ nor gRPC, so
// it carries this small copy of the shape of common/status/status.h rather
// than the library itself. Only the codes the proxy produces are here; the
// control API maps them to HTTP (ControlApi).
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace cardflow::chaos {

enum class StatusCode {
  kOk,
  kInvalidArgument,   // the request or argument is malformed: HTTP 400
  kNotFound,          // no such link or toxic: HTTP 404
  kAlreadyExists,     // a toxic of that name exists: HTTP 409
  kUnavailable,       // the operating system refused (bind, listen): HTTP 503
  kDeadlineExceeded,  // the proxy did not answer in time: HTTP 504
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgumentError(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) {
  return {StatusCode::kAlreadyExists, std::move(m)};
}
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DeadlineExceededError(std::string m) {
  return {StatusCode::kDeadlineExceeded, std::move(m)};
}

// Either a value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace cardflow::chaos
