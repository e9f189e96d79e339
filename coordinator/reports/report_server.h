// ReportServer: a reports folder over HTTP, for `cardflow-coordinator serve`.
//
//   GET /                   the index (index_page.h): every set, newest first
//   GET /index.json         the same for programs
//   GET /reports/NAME       one report file, as its kind's content type
//   GET /latest             302 to the newest set's HTML page
//   GET /latest.json, /latest.trace.json, /latest.shiviz.log
//                           302 to the newest file of that kind
//
// Read-only: it lists the folder afresh on every request (so reports written
// while it runs appear at once) and serves only report files directly in the
// folder (ReportFolder::Resolve). Anything else is 404; /latest with no page
// yet is 404 with a hint.
//
//   auto server = ReportServer::Start("127.0.0.1:0", ReportFolder("reports"), log);
//   (*server)->url();  // "http://127.0.0.1:40123/"
//   (*server)->Stop();  // or let the destructor do it
//
// Thread-safety: Stop and the accessors from any thread; requests are served
// on the server's own threads.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

#include "common/status/status.h"
#include "coordinator/reports/report_folder.h"

namespace cardflow {

// `--http` words: ":8080" (every interface), "HOST:PORT", "[::1]:0".
struct HttpListen {
  std::string host;
  int port = 0;  // 0: a free one
};
// INVALID_ARGUMENT naming the flag when `listen` is none of those.
StatusOr<HttpListen> ParseHttpListen(const std::string& listen);

class ReportServer {
 public:
  // Listens on `listen` (ParseHttpListen) and serves `folder` from a thread
  // of its own. Requests are logged to `log` at debug (null: not logged).
  // INVALID_ARGUMENT for a bad `listen`, UNAVAILABLE when it cannot listen.
  static StatusOr<std::unique_ptr<ReportServer>> Start(const std::string& listen,
                                                       ReportFolder folder,
                                                       std::shared_ptr<spdlog::logger> log);
  ~ReportServer();  // Stop()
  ReportServer(const ReportServer&) = delete;
  ReportServer& operator=(const ReportServer&) = delete;

  // Stops listening, lets requests in progress end, joins the threads.
  // Idempotent.
  void Stop();

  // "http://HOST:PORT/" with the port bound ("[::1]" for IPv6 hosts).
  const std::string& url() const;

 private:
  struct Impl;
  explicit ReportServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cardflow
