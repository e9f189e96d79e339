#include "tests/coordinator/subprocess.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

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
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_TRUNC,
                                   0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_TRUNC,
                                   0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  ProcessResult result;
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned == 0) {
    int status = 0;
    pid_t waited;
    do {
      waited = waitpid(pid, &status, 0);
    } while (waited < 0 && errno == EINTR);
    if (waited == pid && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  } else {
    result.err = "posix_spawn " + argv[0] + " failed: " + std::to_string(spawned);
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
