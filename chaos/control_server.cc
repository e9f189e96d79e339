#include "chaos/control_server.h"

#include <spdlog/spdlog.h>

namespace cardflow::chaos {

namespace {

using nlohmann::json;

void Write(httplib::Response& response, const ApiReply& reply) {
  response.status = reply.http_status;
  if (!reply.body.is_null()) response.set_content(reply.body.dump() + "\n", "application/json");
}

}  // namespace

ControlServer::ControlServer(Proxy& proxy) : proxy_(proxy) {
  // Keep-alive threads notice a stop only between requests: keep that short.
  server_.set_keep_alive_timeout(1);
  server_.new_task_queue = [] { return new httplib::ThreadPool(2); };
  server_.set_error_handler([](const httplib::Request& request, httplib::Response& response) {
    if (response.body.empty()) {
      Write(response, ApiReply{response.status,
                               json{{"error", "no route " + request.method + " " + request.path}}});
    }
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
        Write(response, ApiReply{500, json{{"error", what}}});
      });
  server_.set_logger([](const httplib::Request& request, const httplib::Response& response) {
    if (request.method == "GET") return;
    spdlog::info("control: {} {} {} -> {}", request.method, request.path, request.body,
                 response.status);
  });
  AddRoutes();
}

ControlServer::~ControlServer() { Stop(); }

void ControlServer::AddRoutes() {
  using Request = httplib::Request;
  using Response = httplib::Response;
  constexpr const char* kLink = R"(/links/([^/]+))";
  constexpr const char* kToxics = R"(/links/([^/]+)/toxics)";
  constexpr const char* kToxic = R"(/links/([^/]+)/toxics/([^/]+))";

  server_.Get("/links", [this](const Request&, Response& res) {
    Answer(res, [](const ControlApi& api) { return api.ListLinks(); });
  });
  server_.Get(kLink, [this](const Request& req, Response& res) {
    Answer(res, [link = req.matches[1].str()](const ControlApi& api) { return api.GetLink(link); });
  });
  server_.Post(kLink, [this](const Request& req, Response& res) {
    AnswerWithBody(req, res,
                   [link = req.matches[1].str()](const ControlApi& api, const json& body) {
                     return api.SetLink(link, body);
                   });
  });
  server_.Get(kToxics, [this](const Request& req, Response& res) {
    Answer(res,
           [link = req.matches[1].str()](const ControlApi& api) { return api.ListToxics(link); });
  });
  server_.Post(kToxics, [this](const Request& req, Response& res) {
    AnswerWithBody(req, res,
                   [link = req.matches[1].str()](const ControlApi& api, const json& body) {
                     return api.AddToxic(link, body);
                   });
  });
  server_.Get(kToxic, [this](const Request& req, Response& res) {
    Answer(res, [link = req.matches[1].str(), toxic = req.matches[2].str()](const ControlApi& api) {
      return api.GetToxic(link, toxic);
    });
  });
  server_.Post(kToxic, [this](const Request& req, Response& res) {
    AnswerWithBody(req, res,
                   [link = req.matches[1].str(), toxic = req.matches[2].str()](
                       const ControlApi& api, const json& body) {
                     return api.UpdateToxic(link, toxic, body);
                   });
  });
  server_.Delete(kToxic, [this](const Request& req, Response& res) {
    Answer(res, [link = req.matches[1].str(), toxic = req.matches[2].str()](const ControlApi& api) {
      return api.RemoveToxic(link, toxic);
    });
  });
  server_.Post("/reset", [this](const Request&, Response& res) {
    Answer(res, [](const ControlApi& api) { return api.Reset(); });
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
    return Write(response, ApiReply::FromError(InvalidArgumentError("the body is not valid JSON")));
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
