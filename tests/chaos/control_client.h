// ControlClient: the tests' side of cardflow-chaos's HTTP control API
// (Toxiproxy's).
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

namespace cardflow::chaos::testing {

class ControlClient {
 public:
  struct Reply {
    int status = 0;       // 0: no answer at all
    nlohmann::json body;  // null for an empty body
  };

  ControlClient(const std::string& host, int port) : client_(host, port) {
    client_.set_connection_timeout(5);
    client_.set_read_timeout(10);
  }

  Reply Get(const std::string& path) { return ToReply(client_.Get(path)); }
  Reply Post(const std::string& path, const nlohmann::json& body) {
    return PostText(path, body.dump());
  }
  Reply PostText(const std::string& path, const std::string& text) {
    return ToReply(client_.Post(path, text, "application/json"));
  }
  Reply Patch(const std::string& path, const nlohmann::json& body) {
    return ToReply(client_.Patch(path, body.dump(), "application/json"));
  }
  Reply Delete(const std::string& path) { return ToReply(client_.Delete(path)); }
  // A GET with these headers (a browser's User-Agent, say).
  Reply GetWith(const std::string& path, const httplib::Headers& headers) {
    return ToReply(client_.Get(path, headers));
  }
  // The raw text of a GET.
  std::string GetText(const std::string& path) {
    const httplib::Result result = client_.Get(path);
    return result ? result->body : "";
  }

 private:
  static Reply ToReply(const httplib::Result& result) {
    if (!result) return {};
    Reply reply{result->status, nullptr};
    if (!result->body.empty()) reply.body = nlohmann::json::parse(result->body, nullptr, false);
    return reply;
  }

  httplib::Client client_;
};

}  // namespace cardflow::chaos::testing
