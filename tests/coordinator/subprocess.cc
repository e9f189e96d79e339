#include "tests/coordinator/subprocess.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/child_process.h"

namespace cardflow::testutil {

namespace {

std::string TempPath(const char* tag) {
  std::string path = std::string("/tmp/cardflow-test-") + tag + "-XXXXXX";
  const int fd = mkstemp(path.data());
  if (fd >= 0) close(fd);
  return path;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv) {
  const std::string out_path = TempPath("out");
  const std::string err_path = TempPath("err");
  ProcessResult result;
  const int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out = open(out_path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  const int err = open(err_path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  std::string error = "cannot open /dev/null or the capture files";
  // Tied to this thread: if the test dies while waiting, so does the program.
  const pid_t pid =
      in < 0 || out < 0 || err < 0 ? -1 : cardflow::testing::SpawnTied(argv, in, out, err, &error);
  for (const int fd : {in, out, err}) {
    if (fd >= 0) close(fd);
  }
  if (pid > 0) {
    int status = 0;
    pid_t waited;
    do {
      waited = waitpid(pid, &status, 0);
    } while (waited < 0 && errno == EINTR);
    if (waited == pid && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  } else {
    result.err = error;
  }
  result.out = Slurp(out_path);
  result.err += Slurp(err_path);
  unlink(out_path.c_str());
  unlink(err_path.c_str());
  return result;
}

std::string CoordinatorBinary() {
  return EnvOr("CARDFLOW_BIN", CARDFLOW_DEFAULT_BIN) + "/cardflow-coordinator";
}

ProcessResult RunCoordinator(std::vector<std::string> args) {
  args.insert(args.begin(), CoordinatorBinary());
  return RunProcess(args);
}

std::string ExampleDeck(const std::string& name) {
  return EnvOr("CARDFLOW_SOURCE", CARDFLOW_DEFAULT_SOURCE) + "/examples/" + name;
}

TempFile::TempFile(const std::string& name, const std::string& text) {
  std::string dir = "/tmp/cardflow-test-XXXXXX";
  dir_ = mkdtemp(dir.data()) != nullptr ? dir : "/tmp";
  path_ = dir_ + "/" + name;
  std::ofstream(path_, std::ios::binary) << text;
}

TempFile::~TempFile() {
  if (dir_ != "/tmp") std::filesystem::remove_all(dir_);
}

}  // namespace cardflow::testutil
