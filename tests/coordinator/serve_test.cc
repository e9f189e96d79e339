// `cardflow-coordinator serve` against real report sets: `run --reports DIR`
// writes them, the real program serves them on 127.0.0.1:0 (the test reads
// the address it prints), and a real HTTP client (cpp-httplib) checks the
// index, the files, /latest, what must stay unreachable, and a clean exit on
// SIGTERM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/child_process.h"
#include "tests/coordinator/subprocess.h"

namespace cardflow {
namespace {

namespace fs = std::filesystem;
using ::cardflow::testing::ChildProcess;
using ::cardflow::testutil::CoordinatorBinary;
using ::cardflow::testutil::ExampleDeck;
using ::cardflow::testutil::ProcessResult;
using ::cardflow::testutil::RunProcess;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr auto kStartTimeout = std::chrono::seconds(20);

// A fresh reports folder, removed afterwards.
class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "cardflow-serve-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    server_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // `run DECK --runs N --reports DIR` plus `extra`; its exit status.
  int RunInto(const std::vector<std::string>& extra, uint64_t runs = 40) {
    std::vector<std::string> argv = {CoordinatorBinary(),
                                     "run",
                                     ExampleDeck("transfer.deck"),
                                     "--runs",
                                     std::to_string(runs),
                                     "--reports",
                                     dir_.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const ProcessResult r = RunProcess(argv);
    // stderr names the four files of the set, and says nothing else.
    size_t lines = 0;
    for (size_t start = 0; start < r.err.size(); ++lines) {
      const size_t end = r.err.find('\n', start);
      EXPECT_TRUE(r.err.compare(start, 6 + dir_.string().size(), "wrote " + dir_.string()) == 0)
          << r.err;
      start = end == std::string::npos ? r.err.size() : end + 1;
    }
    EXPECT_EQ(lines, 4u) << r.err;
    return r.exit_code;
  }

  // Starts `serve --http 127.0.0.1:0 --reports DIR` and reads the address it
  // prints; false (with what it said) when it did not come up.
  ::testing::AssertionResult StartServer() {
    server_ = ChildProcess::Spawn({CoordinatorBinary(), "serve", "--http", "127.0.0.1:0",
                                   "--reports", dir_.string(), "--log-level", "debug"});
    if (!server_) return ::testing::AssertionFailure() << "cannot start the coordinator";
    std::string line;
    if (!server_->ReadLine(std::chrono::steady_clock::now() + kStartTimeout, &line)) {
      return ::testing::AssertionFailure() << "no address printed; log: " << server_->Log();
    }
    static const std::regex kLine(R"(serving reports from (.*) on http://127\.0\.0\.1:([0-9]+)/)");
    std::smatch match;
    if (!std::regex_match(line, match, kLine)) {
      return ::testing::AssertionFailure() << "unexpected first line: " << line;
    }
    printed_dir_ = match[1].str();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", std::stoi(match[2].str()));
    client_->set_read_timeout(10);
    client_->set_connection_timeout(5);
    return ::testing::AssertionSuccess();
  }

  httplib::Result Get(const std::string& path) { return client_->Get(path.c_str()); }

  nlohmann::json Index() {
    const auto response = Get("/index.json");
    EXPECT_TRUE(response);
    if (!response) return nlohmann::json::array();
    EXPECT_EQ(response->status, 200);
    return nlohmann::json::parse(response->body, nullptr, false);
  }

  fs::path dir_;
  std::string printed_dir_;
  std::unique_ptr<ChildProcess> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ServeTest, ServesReportSetsNewestFirstWithLatest) {
  ASSERT_EQ(RunInto({"--ordering", "none"}), 1);  // older: fails its expect
  ASSERT_EQ(RunInto({"--ordering", "callbacks"}), 0);
  ASSERT_TRUE(StartServer());
  EXPECT_EQ(fs::path(printed_dir_), fs::absolute(dir_));

  // The index for programs: both sets, newest (callbacks) first, all four files.
  const nlohmann::json index = Index();
  ASSERT_TRUE(index.is_array()) << index;
  ASSERT_EQ(index.size(), 2u) << index;
  const nlohmann::json& newest = index[0];
  const nlohmann::json& oldest = index[1];
  EXPECT_THAT(newest["stem"].get<std::string>(), HasSubstr("transfer-callbacks"));
  EXPECT_THAT(oldest["stem"].get<std::string>(), HasSubstr("transfer-none"));
  for (const char* kind : {"html", "json", "trace", "shiviz"}) {
    EXPECT_TRUE(newest["files"].contains(kind)) << newest;
  }
  ASSERT_EQ(newest["reports"].size(), 1u);
  EXPECT_EQ(newest["reports"][0]["ordering"], "callbacks");
  EXPECT_EQ(newest["reports"][0]["runs"], 40);
  EXPECT_EQ(newest["reports"][0]["pass"], true);
  EXPECT_EQ(oldest["reports"][0]["pass"], false);

  // The page for people: the same, newest first, with links and verdicts.
  const auto page = Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->get_header_value("Content-Type"), StartsWith("text/html"));
  const std::string& html = page->body;
  const size_t newer_at = html.find(newest["stem"].get<std::string>());
  const size_t older_at = html.find(oldest["stem"].get<std::string>());
  ASSERT_NE(newer_at, std::string::npos);
  ASSERT_NE(older_at, std::string::npos);
  EXPECT_LT(newer_at, older_at);
  EXPECT_THAT(html, HasSubstr("<span class=\"pass\">PASS</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"fail\">FAIL</span>"));
  EXPECT_THAT(html, HasSubstr("href=\"" + newest["files"]["html"].get<std::string>() + "\""));

  // /latest: a redirect to the newest page, which is the report page.
  const auto latest = Get("/latest");
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->status, 302);
  const std::string page_url = newest["files"]["html"];
  EXPECT_EQ(latest->get_header_value("Location"), page_url);
  const auto report_page = Get(page_url);
  ASSERT_TRUE(report_page);
  EXPECT_EQ(report_page->status, 200);
  EXPECT_THAT(report_page->get_header_value("Content-Type"), StartsWith("text/html"));
  EXPECT_THAT(report_page->body, HasSubstr("<svg"));
  EXPECT_THAT(report_page->body, HasSubstr("--ordering callbacks"));

  // The JSON report is `run --format json`'s object; the trace is a trace.
  const auto json = Get(newest["files"]["json"].get<std::string>());
  ASSERT_TRUE(json);
  EXPECT_THAT(json->get_header_value("Content-Type"), StartsWith("application/json"));
  const nlohmann::json report = nlohmann::json::parse(json->body, nullptr, false);
  ASSERT_TRUE(report.is_object()) << json->body;
  EXPECT_EQ(report["runs"], 40);
  EXPECT_EQ(report["ordering"], "callbacks");
  EXPECT_EQ(report["expect_failures"], 0);
  const auto latest_trace = Get("/latest.trace.json");
  ASSERT_TRUE(latest_trace);
  EXPECT_EQ(latest_trace->status, 302);
  const auto trace = Get(latest_trace->get_header_value("Location"));
  ASSERT_TRUE(trace);
  const nlohmann::json events = nlohmann::json::parse(trace->body, nullptr, false);
  ASSERT_TRUE(events.contains("traceEvents")) << trace->body.substr(0, 200);
  EXPECT_FALSE(events["traceEvents"].empty());

  // Nothing but report files in the folder is reachable.
  std::ofstream(dir_ / "notes.txt") << "private";
  std::ofstream(dir_ / ".hidden.html") << "private";
  for (const char* path : {"/reports/notes.txt", "/reports/.hidden.html", "/reports/nope.html",
                           "/reports/..%2Fnotes.txt", "/reports/../notes.txt", "/elsewhere"}) {
    const auto response = Get(path);
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->status, 404) << path;
    EXPECT_THAT(response->body, ::testing::Not(HasSubstr("private"))) << path;
  }

  // A set written while it serves is there at once and becomes /latest.
  ASSERT_EQ(RunInto({"--ordering", "none", "--seed", "9"}, 10), 1);
  const nlohmann::json after = Index();
  ASSERT_EQ(after.size(), 3u) << after;
  EXPECT_THAT(after[0]["stem"].get<std::string>(), HasSubstr("transfer-none"));
  const auto moved = Get("/latest");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->get_header_value("Location"), after[0]["files"]["html"].get<std::string>());

  // SIGTERM: a clean shutdown.
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait(std::chrono::seconds(10)), 0) << server_->Log();
  EXPECT_THAT(server_->Log(), HasSubstr("SIGTERM, shutting down"));
}

TEST_F(ServeTest, EmptyFolderSaysHowToFillIt) {
  ASSERT_TRUE(StartServer());
  const auto page = Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->body, HasSubstr("No reports yet"));
  const auto latest = Get("/latest");
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->status, 404);
  EXPECT_THAT(latest->body, HasSubstr("--reports"));
  EXPECT_EQ(Index().size(), 0u);
  server_->Signal(SIGINT);
  EXPECT_EQ(server_->Wait(std::chrono::seconds(10)), 0) << server_->Log();
}

TEST_F(ServeTest, DemoLeavesOneSideBySideSet) {
  const ProcessResult r =
      RunProcess({CoordinatorBinary(), "demo", "--local", "--reports", dir_.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(StartServer());
  const nlohmann::json index = Index();
  ASSERT_EQ(index.size(), 1u) << index;
  EXPECT_THAT(index[0]["stem"].get<std::string>(), HasSubstr("demo-transfer"));
  ASSERT_EQ(index[0]["reports"].size(), 2u);  // naive, then callbacks
  EXPECT_EQ(index[0]["reports"][0]["ordering"], "none");
  EXPECT_EQ(index[0]["reports"][1]["ordering"], "callbacks");
  const auto latest = Get("/latest");
  ASSERT_TRUE(latest);
  const auto page = Get(latest->get_header_value("Location"));
  ASSERT_TRUE(page);
  EXPECT_THAT(page->body, HasSubstr("--ordering none"));
  EXPECT_THAT(page->body, HasSubstr("--ordering callbacks"));
}

TEST(ServeCliTest, BadAddressIsExit2) {
  const ProcessResult r =
      RunProcess({CoordinatorBinary(), "serve", "--http", "nowhere", "--reports", "/tmp"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--http nowhere"));
}

}  // namespace
}  // namespace cardflow
