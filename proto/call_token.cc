#include "proto/call_token.h"

#include <grpcpp/support/interceptor.h>

#include <string_view>
#include <utility>

namespace cardflow {

namespace {

constexpr std::string_view kBearer = "Bearer ";

// Equal, in a time that depends only on `expected`'s length: every byte is
// looked at whatever the first difference.
bool ConstantTimeEquals(std::string_view given, std::string_view expected) {
  volatile unsigned char differ = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    const unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    differ = differ | static_cast<unsigned char>(g ^ static_cast<unsigned char>(expected[i]));
  }
  return differ == 0;
}

class TokenSender final : public grpc::experimental::Interceptor {
 public:
  explicit TokenSender(std::string value) : value_(std::move(value)) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kCallTokenKey, value_);
    }
    methods->Proceed();
  }

 private:
  const std::string value_;
};

class TokenSenderFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit TokenSenderFactory(std::string token) : value_(std::string(kBearer) + token) {}

  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new TokenSender(value_);
  }

 private:
  const std::string value_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> MakeCallTokenSender(
    std::string token) {
  return std::make_unique<TokenSenderFactory>(std::move(token));
}

grpc::Status CheckCallToken(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                            const std::string& token) {
  const auto found = metadata.find(kCallTokenKey);
  if (found == metadata.end()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "no token (this node requires its shared token)");
  }
  std::string_view given(found->second.data(), found->second.size());
  const bool bearer = given.substr(0, kBearer.size()) == kBearer;
  if (bearer) given.remove_prefix(kBearer.size());
  if (!ConstantTimeEquals(given, token) || !bearer) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "wrong token (not this node's shared token)");
  }
  return grpc::Status::OK;
}

}  // namespace cardflow
