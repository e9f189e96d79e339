// The HTML report opened in headless Chromium (Debian's `chromium`): the
// browser parses it into the expected elements, logs no script error, and
// takes a screenshot. Skipped when no chromium is installed, except in CI
// (CI=true), where scripts/install-deps.sh installs it. (The picture in
// docs/ is taken by the stepper's test, report_stepper_test.js, which can
// drive the page to a step first.)
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/trace/html_report.h"
#include "tests/trace/trace_fixture.h"

namespace cardflow {
namespace {

namespace fs = std::filesystem;

// CHROMIUM from the environment, else the first of the usual names on PATH.
std::string FindChromium() {
  if (const char* env = std::getenv("CHROMIUM"); env != nullptr && *env != '\0') return env;
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::istringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
      const fs::path candidate = fs::path(dir) / name;
      std::error_code ec;
      if (fs::is_regular_file(candidate, ec) && access(candidate.c_str(), X_OK) == 0) {
        return candidate.string();
      }
    }
  }
  return {};
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A scratch directory, removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "cardflow-trace-XXXXXX").string();
    path_ = mkdtemp(pattern.data()) != nullptr ? fs::path(pattern) : fs::path();
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

class HtmlBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = FindChromium();
    if (chromium_.empty()) {
      // CI installs it (scripts/install-deps.sh): there, skipping would hide
      // that the page was never opened.
      const char* ci = std::getenv("CI");
      if (ci != nullptr && std::string(ci) == "true") {
        FAIL() << "chromium is not installed, and CI=true: scripts/install-deps.sh installs it";
      }
      GTEST_SKIP() << "chromium is not installed (apt-get install -y chromium, or set CHROMIUM); "
                      "the HTML report is not checked in a browser";
    }
    ASSERT_FALSE(dir_.path().empty());
  }

  // Runs chromium headless on `page` with `mode` (e.g. --dump-dom); stdout
  // and stderr go to files in the scratch dir. Returns the exit status.
  int Chromium(const fs::path& page, const std::string& mode) {
    const std::string command =
        "timeout 120 " + Quote(chromium_) +
        " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic"
        " --disable-background-networking --disable-component-update --disable-sync"
        " --no-first-run --no-default-browser-check --hide-scrollbars"
        " --enable-logging=stderr --v=0 --user-data-dir=" +
        Quote((dir_.path() / "profile").string()) + " " + mode + " " +
        Quote("file://" + page.string()) + " >" + Quote(Out()) + " 2>" + Quote(Err());
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string Out() const { return (dir_.path() / "stdout.txt").string(); }
  std::string Err() const { return (dir_.path() / "stderr.txt").string(); }

  std::string chromium_;
  ScratchDir dir_;
};

TEST_F(HtmlBrowserTest, TransferReportRendersAndScreenshots) {
  Program program = testing::MustLoadExample("transfer.deck");
  program.file = "examples/transfer.deck";  // the page's title, as a user would type it
  const fs::path page = dir_.path() / "transfer-report.html";
  {
    std::ofstream out(page, std::ios::binary);
    out << HtmlReport(program, testing::NaiveAndCallbacks("transfer.deck"));
  }

  // The DOM the browser built holds the elements the page promises.
  ASSERT_EQ(Chromium(page, "--dump-dom"), 0) << ReadFile(Err());
  const std::string dom = ReadFile(Out());
  EXPECT_NE(dom.find("<svg class=\"space-time"), std::string::npos) << dom.substr(0, 500);
  EXPECT_NE(dom.find("<g class=\"lane\" data-lane=\"A\">"), std::string::npos);
  EXPECT_NE(dom.find("<tr class=\"outcome pass"), std::string::npos);
  EXPECT_NE(dom.find("<tr class=\"outcome fail"), std::string::npos);
  // The script ran: it filled both steppers with piles of cards.
  EXPECT_NE(dom.find("data-section=\"0\" data-run=\"sample\" data-step=\"0\""), std::string::npos);
  EXPECT_NE(dom.find("<div class=\"pile\" data-stack=\"A\">"), std::string::npos);
  const std::string log = ReadFile(Err());
  EXPECT_EQ(log.find("Uncaught"), std::string::npos) << log;
  EXPECT_EQ(log.find("SyntaxError"), std::string::npos) << log;

  // The screenshot exists and is a PNG.
  const fs::path png = dir_.path() / "transfer-report.png";
  ASSERT_EQ(Chromium(page, "--window-size=1600,1350 --screenshot=" + Quote(png.string())), 0)
      << ReadFile(Err());
  ASSERT_TRUE(fs::exists(png)) << ReadFile(Err());
  EXPECT_GT(fs::file_size(png), 10000u);
  EXPECT_EQ(ReadFile(png).substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

}  // namespace
}  // namespace cardflow
