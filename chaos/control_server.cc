#include "chaos/control_server.h"

#include <spdlog/spdlog.h>

#include <regex>
#include <string>
#include <vector>

namespace cardflow::chaos {

namespace {

using nlohmann::json;

#ifndef CARDFLOW_VERSION
#define CARDFLOW_VERSION "unknown"
#endif
constexpr const char* kVersion = CARDFLOW_VERSION;

void Write(httplib::Response& response, const ApiReply& reply) {
  response.status = reply.http_status;
  if (!reply.body.is_null()) response.set_content(reply.body.dump() + "\n", "application/json");
}

// The routes, for telling a wrong method (405) from an unknown path (404).
constexpr const char* kProxies = R"(/proxies)";
constexpr const char* kProxy = R"(/proxies/([^/]+))";
constexpr const char* kToxics = R"(/proxies/([^/]+)/toxics)";
constexpr const char* kToxic = R"(/proxies/([^/]+)/toxics/([^/]+))";
constexpr const char* kRoutes[] = {kProxies,    kProxy,   kToxics,   kToxic,
                                   "/populate", "/reset", "/version"};

bool KnownPath(const std::string& path) {
  for (const char* route : kRoutes) {
    if (std::regex_match(path, std::regex(route))) return true;
  }
  return false;
}

}  // namespace

ControlServer::ControlServer(Proxy& proxy) : proxy_(proxy) {
  // Keep-alive threads notice a stop only between requests: keep that short.
  server_.set_keep_alive_timeout(1);
  server_.new_task_queue = [] { return new httplib::ThreadPool(2); };
  server_.set_pre_routing_handler([](const httplib::Request& request, httplib::Response& response) {
    if (request.get_header_value("User-Agent").rfind("Mozilla/", 0) == 0) {
      Write(response, ApiReply{403, json{{"error", "User agent not allowed"}, {"status", 403}}});
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server_.set_error_handler([](const httplib::Request& request, httplib::Response& response) {
    if (!response.body.empty()) return;
    if (response.status == 404 && KnownPath(request.path)) response.status = 405;
    // 400 before any handler: httplib could not read the body (a POST or
    // PATCH without Content-Length, say).
    const std::string what = response.status == 405   ? "method not allowed: "
                             : response.status == 400 ? "bad request body: cannot read the body "
                                                        "(no Content-Length?) of "
                                                      : "no route ";
    Write(response,
          ApiReply{response.status, json{{"error", what + request.method + " " + request.path},
                                         {"status", response.status}}});
  });
  server_.set_exception_handler(
      [](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
        std::string what = "internal error";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        Write(response, ApiReply{500, json{{"error", what}, {"status", 500}}});
      });
  server_.set_logger([](const httplib::Request& request, const httplib::Response& response) {
    if (request.method == "GET") return;
    spdlog::info("control: {} {} {} -> {}", request.method, request.path, request.body,
                 response.status);
  });
  AddRoutes();
}

ControlServer::~ControlServer() { Stop(); }

template <typename Fn>
void ControlServer::Update(const std::string& pattern, Fn operation) {
  const auto handler = [this, operation](const httplib::Request& req, httplib::Response& res) {
    AnswerWithBody(
        req, res,
        [operation, req_matches = std::vector<std::string>(req.matches.begin(), req.matches.end())](
            const ControlApi& api, const json& body) { return operation(api, req_matches, body); });
  };
  server_.Post(pattern, handler);
  server_.Patch(pattern, handler);
}

void ControlServer::AddRoutes() {
  using Request = httplib::Request;
  using Response = httplib::Response;
  using Matches = std::vector<std::string>;

  server_.Get(kProxies, [this](const Request&, Response& res) {
    Answer(res, [](const ControlApi& api) { return api.ListProxies(); });
  });
  server_.Post(kProxies, [this](const Request& req, Response& res) {
    AnswerWithBody(req, res,
                   [](const ControlApi& api, const json& body) { return api.CreateProxy(body); });
  });
  server_.Post("/populate", [this](const Request& req, Response& res) {
    AnswerWithBody(req, res,
                   [](const ControlApi& api, const json& body) { return api.Populate(body); });
  });
  server_.Get(kProxy, [this](const Request& req, Response& res) {
    Answer(res,
           [proxy = req.matches[1].str()](const ControlApi& api) { return api.GetProxy(proxy); });
  });
  Update(kProxy, [](const ControlApi& api, const Matches& m, const json& body) {
    return api.UpdateProxy(m[1], body);
  });
  server_.Delete(kProxy, [this](const Request& req, Response& res) {
    Answer(res, [proxy = req.matches[1].str()](const ControlApi& api) {
      return api.DeleteProxy(proxy);
    });
  });
  server_.Get(kToxics, [this](const Request& req, Response& res) {
    Answer(res,
           [proxy = req.matches[1].str()](const ControlApi& api) { return api.ListToxics(proxy); });
  });
  server_.Post(kToxics, [this](const Request& req, Response& res) {
    AnswerWithBody(req, res,
                   [proxy = req.matches[1].str()](const ControlApi& api, const json& body) {
                     return api.AddToxic(proxy, body);
                   });
  });
  server_.Get(kToxic, [this](const Request& req, Response& res) {
    Answer(res, [proxy = req.matches[1].str(), toxic = req.matches[2].str()](
                    const ControlApi& api) { return api.GetToxic(proxy, toxic); });
  });
  Update(kToxic, [](const ControlApi& api, const Matches& m, const json& body) {
    return api.UpdateToxic(m[1], m[2], body);
  });
  server_.Delete(kToxic, [this](const Request& req, Response& res) {
    Answer(res, [proxy = req.matches[1].str(), toxic = req.matches[2].str()](
                    const ControlApi& api) { return api.RemoveToxic(proxy, toxic); });
  });
  // A body-less POST, as `curl -X POST .../reset` and Toxiproxy's clients
  // send it: no Content-Length, which a plain handler answers with 400
  // before it is called (httplib reads the body first). This one reads a
  // body only when the request says it has one, and ignores it.
  server_.Post("/reset",
               [this](const Request& req, Response& res, const httplib::ContentReader& content) {
                 if (req.has_header("Content-Length") || req.has_header("Transfer-Encoding")) {
                   content([](const char*, size_t) { return true; });
                 }
                 Answer(res, [](const ControlApi& api) { return api.Reset(); });
               });
  server_.Get("/version", [](const Request&, Response& res) {
    Write(res, ApiReply{200, json{{"version", kVersion}}});
  });
}

void ControlServer::Answer(httplib::Response& response, Operation operation) {
  std::future<ApiReply> reply = proxy_.Run(
      [operation = std::move(operation)](Proxy& proxy) { return operation(ControlApi(proxy)); });
  if (reply.wait_for(kAnswerTimeout) != std::future_status::ready) {
    return Write(response,
                 ApiReply::FromError(DeadlineExceededError("the proxy did not answer in time")));
  }
  try {
    Write(response, reply.get());
  } catch (const std::future_error&) {  // the proxy stopped before it ran
    Write(response, ApiReply::FromError(UnavailableError("the proxy is stopping")));
  }
}

void ControlServer::AnswerWithBody(
    const httplib::Request& request, httplib::Response& response,
    std::function<ApiReply(const ControlApi&, const json&)> operation) {
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    return Write(
        response,
        ApiReply::FromError(InvalidArgumentError("bad request body: the body is not valid JSON")));
  }
  Answer(response, [operation = std::move(operation), body = std::move(body)](
                       const ControlApi& api) { return operation(api, body); });
}

StatusOr<HostPort> ControlServer::Start(const HostPort& listen) {
  int port = listen.port;
  if (port == 0) {
    port = server_.bind_to_any_port(listen.host);
  } else if (!server_.bind_to_port(listen.host, port)) {
    port = -1;
  }
  if (port < 0) return UnavailableError("cannot listen on " + listen.ToString() + " for control");
  thread_ = std::thread([this] {
    server_.listen_after_bind();
    listen_returned_ = true;
  });
  // stop() is lost on a server that has not begun to listen: wait for that,
  // which is immediate, so Stop() always ends it.
  while (!server_.is_running() && !listen_returned_) std::this_thread::yield();
  return HostPort{listen.host, static_cast<uint16_t>(port)};
}

void ControlServer::Stop() {
  if (!thread_.joinable()) return;
  server_.stop();
  thread_.join();
}

}  // namespace cardflow::chaos
