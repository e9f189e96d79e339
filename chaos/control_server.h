// ControlServer: the HTTP shell of the control API — Toxiproxy's routes
// (control_api.h lists them; updates take PATCH or Toxiproxy's deprecated
// POST), plus GET /version ({"version": "..."}), served by cpp-httplib on
// threads of its own. As Toxiproxy, it refuses any request whose
// User-Agent starts with "Mozilla/" (403), so a web page cannot drive it
// from a browser. Unknown routes get a JSON 404, a known route with another
// method a JSON 405.
//
// A request's body is parsed on the HTTP thread; the operation itself is
// posted to the proxy's executor (Proxy::Run), so proxy state is never
// touched from here. cpp-httplib is synchronous — a handler must return its
// response — so the HTTP thread, never an Asio one, waits for that answer,
// at most kAnswerTimeout (then 504).
//
// Each change (not each read) is logged at info level: this is the proxy's
// boundary, where faults come in.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "chaos/control_api.h"
#include "chaos/host_port.h"
#include "chaos/proxy.h"
#include "chaos/status.h"

namespace cardflow::chaos {

class ControlServer {
 public:
  static constexpr std::chrono::seconds kAnswerTimeout{5};

  // `proxy` must outlive the server (stop the server first).
  explicit ControlServer(Proxy& proxy);
  ~ControlServer();  // Stop()
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Binds `listen` (port 0 picks one) and starts serving; the bound
  // address, or Unavailable. Once.
  StatusOr<HostPort> Start(const HostPort& listen);

  // Stops serving and joins the server's threads. Idempotent.
  void Stop();

 private:
  using Operation = std::function<ApiReply(const ControlApi&)>;

  void AddRoutes();
  // Runs `operation` on the proxy's executor and writes its reply.
  void Answer(httplib::Response& response, Operation operation);
  // Like Answer, with the request's body parsed as JSON first (400 if it is
  // not JSON).
  void AnswerWithBody(const httplib::Request& request, httplib::Response& response,
                      std::function<ApiReply(const ControlApi&, const nlohmann::json&)> operation);

  // Like AnswerWithBody, for the routes that update (POST and PATCH).
  template <typename Fn>
  void Update(const std::string& pattern, Fn operation);

  Proxy& proxy_;
  httplib::Server server_;
  std::thread thread_;
  std::atomic<bool> listen_returned_{false};
};

}  // namespace cardflow::chaos
