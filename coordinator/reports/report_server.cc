#include "coordinator/reports/report_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <atomic>
#include <charconv>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/base/mutex.h"
#include "coordinator/reports/index_page.h"

namespace cardflow {

StatusOr<HttpListen> ParseHttpListen(const std::string& listen) {
  const auto bad = [&listen] {
    return InvalidArgumentError(
        fmt::format("--http {}: expected :PORT, HOST:PORT or [IPv6]:PORT", listen));
  };
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return bad();
  HttpListen out;
  out.host = listen.substr(0, colon);
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  } else if (out.host.find(':') != std::string::npos) {
    return bad();  // an IPv6 address needs its brackets
  }
  if (out.host.empty()) out.host = "0.0.0.0";
  const std::string port = listen.substr(colon + 1);
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (port.empty() || error != std::errc() || end != port.data() + port.size() || out.port < 0 ||
      out.port > 65535) {
    return bad();
  }
  return out;
}

struct ReportServer::Impl {
  Impl(ReportFolder f, std::shared_ptr<spdlog::logger> l)
      : folder(std::move(f)), log(std::move(l)) {}

  void Routes();
  void ServeFile(const std::string& name, httplib::Response& response) const;
  void RedirectToLatest(ReportFileKind kind, httplib::Response& response) const;
  void Unavailable(const Status& status, httplib::Response& response) const;

  // Constant after Start.
  const ReportFolder folder;
  const std::shared_ptr<spdlog::logger> log;
  std::string url;

  httplib::Server http;
  std::thread thread;
  std::atomic<bool> returned{false};  // listen_after_bind returned
  Mutex stop_mutex;
  bool stopped GUARDED_BY(stop_mutex) = false;
};

namespace {

void NotFound(httplib::Response& response, const std::string& what) {
  response.status = 404;
  response.set_content(what + "\n", "text/plain; charset=utf-8");
}

}  // namespace

void ReportServer::Impl::Unavailable(const Status& status, httplib::Response& response) const {
  if (log) log->warn("{}", status.message());
  response.status = 503;
  response.set_content(status.message() + "\n", "text/plain; charset=utf-8");
}

void ReportServer::Impl::Routes() {
  http.Get("/", [this](const httplib::Request&, httplib::Response& response) {
    StatusOr<std::vector<ReportSet>> sets = folder.List();
    if (!sets.ok()) return Unavailable(sets.status(), response);
    response.set_header("Cache-Control", "no-store");
    response.set_content(IndexPage(folder, *sets), "text/html; charset=utf-8");
  });
  http.Get("/index.json", [this](const httplib::Request&, httplib::Response& response) {
    StatusOr<std::vector<ReportSet>> sets = folder.List();
    if (!sets.ok()) return Unavailable(sets.status(), response);
    response.set_header("Cache-Control", "no-store");
    response.set_content(IndexJson(folder, *sets), "application/json");
  });
  http.Get(R"(/reports/([^/]+))",
           [this](const httplib::Request& request, httplib::Response& response) {
             ServeFile(request.matches[1].str(), response);
           });
  http.Get(R"(/latest(\.html|\.json|\.trace\.json|\.shiviz\.log)?)",
           [this](const httplib::Request& request, httplib::Response& response) {
             const std::string suffix = request.matches[1].str();
             // ParseReportFileName knows the suffixes: "x" + suffix names a kind.
             const auto parsed = ParseReportFileName("x" + (suffix.empty() ? ".html" : suffix));
             RedirectToLatest(parsed->kind, response);
           });
  http.set_error_handler([](const httplib::Request& request, httplib::Response& response) {
    if (response.status == 404 && response.body.empty()) {
      NotFound(response, "not found: " + request.path + " (the index is at /)");
    }
  });
  if (log) {
    http.set_logger([this](const httplib::Request& request, const httplib::Response& response) {
      log->debug("{} {} -> {}", request.method, request.path, response.status);
    });
  }
}

void ReportServer::Impl::ServeFile(const std::string& name, httplib::Response& response) const {
  StatusOr<std::filesystem::path> path = folder.Resolve(name);
  if (!path.ok()) return NotFound(response, path.status().message());
  std::ifstream in(*path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return NotFound(response, "cannot read " + name);
  response.set_content(text.str(),
                       std::string(ReportFileContentType(ParseReportFileName(name)->kind)));
}

void ReportServer::Impl::RedirectToLatest(ReportFileKind kind, httplib::Response& response) const {
  StatusOr<std::vector<ReportSet>> sets = folder.List();
  if (!sets.ok()) return Unavailable(sets.status(), response);
  for (const ReportSet& set : *sets) {
    if (const auto& name = set.file(kind)) {
      response.set_header("Cache-Control", "no-store");
      response.set_redirect(ReportFileUrl(*name), 302);
      return;
    }
  }
  NotFound(response,
           fmt::format("no {} file in {} yet: `cardflow-coordinator run DECK "
                       "--reports {}` writes a set",
                       ReportFileLabel(kind), folder.dir().string(), folder.dir().string()));
}

StatusOr<std::unique_ptr<ReportServer>> ReportServer::Start(const std::string& listen,
                                                            ReportFolder folder,
                                                            std::shared_ptr<spdlog::logger> log) {
  StatusOr<HttpListen> where = ParseHttpListen(listen);
  if (!where.ok()) return where.status();
  auto impl = std::make_unique<Impl>(std::move(folder), std::move(log));
  impl->Routes();
  int port = where->port;
  if (port == 0) {
    port = impl->http.bind_to_any_port(where->host);
  } else if (!impl->http.bind_to_port(where->host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return UnavailableError(
        fmt::format("cannot listen on {} ({}:{})", listen, where->host, where->port));
  }
  const bool v6 = where->host.find(':') != std::string::npos;
  impl->url = fmt::format("http://{}{}{}:{}/", v6 ? "[" : "", where->host, v6 ? "]" : "", port);
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] {
    raw->http.listen_after_bind();
    raw->returned = true;
  });
  // httplib's stop() only takes effect once the accept loop runs: wait for
  // it here (microseconds), so that Stop() can never be lost.
  while (!raw->http.is_running() && !raw->returned) std::this_thread::yield();
  return std::unique_ptr<ReportServer>(new ReportServer(std::move(impl)));
}

ReportServer::ReportServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ReportServer::~ReportServer() { Stop(); }

void ReportServer::Stop() {
  MutexLock lock(impl_->stop_mutex);
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

const std::string& ReportServer::url() const { return impl_->url; }

}  // namespace cardflow
