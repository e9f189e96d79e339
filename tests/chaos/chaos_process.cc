#include "tests/chaos/chaos_process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <sstream>

#include "tests/test_paths.h"

extern char** environ;

namespace cardflow::chaos::testing {

namespace {

// Reads from `fd` until a whole line has come; false at `deadline` or when
// the process closed its stdout (it is gone).
bool ReadLine(int fd, std::chrono::steady_clock::time_point deadline, std::string* line) {
  std::string buffer;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char c;
    if (read(fd, &c, 1) <= 0) return false;
    if (c == '\n') {
      *line = buffer;
      return true;
    }
    buffer += c;
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Spawns the binary with stdout to a pipe (its read end in *stdout_fd) and
// stderr to `log_path`. The pid, or -1.
pid_t Spawn(std::vector<std::string> args, const std::string& log_path, int* stdout_fd) {
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int out[2];
  if (log_fd < 0 || pipe2(out, O_CLOEXEC) != 0) return -1;
  args.insert(args.begin(), ChaosBinary());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(log_fd);
  *stdout_fd = out[0];
  return spawned == 0 ? pid : -1;
}

std::string NewLogPath() {
  char path[] = "/tmp/cardflow-chaos-log-XXXXXX";
  const int fd = mkstemp(path);
  if (fd >= 0) close(fd);
  return path;
}

}  // namespace

std::string ChaosBinary() { return cardflow::testing::BinDir() + "/cardflow-chaos"; }

std::unique_ptr<ChaosProcess> ChaosProcess::Start(const std::vector<std::string>& args,
                                                  std::string* error,
                                                  std::chrono::milliseconds timeout) {
  std::unique_ptr<ChaosProcess> process(new ChaosProcess());
  std::vector<std::string> full = args;
  if (std::find(full.begin(), full.end(), "--control") == full.end()) {
    full.insert(full.end(), {"--control", "127.0.0.1:0"});
  }
  process->log_path_ = NewLogPath();
  process->pid_ = Spawn(full, process->log_path_, &process->stdout_fd_);
  if (process->pid_ < 0) {
    *error = "cannot start " + ChaosBinary();
    return nullptr;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string link_prefix = "link ";
  const std::string control_prefix = "control listening on ";
  std::string line;
  while (process->control_port_ == 0) {
    if (!ReadLine(process->stdout_fd_, deadline, &line)) {
      *error = "cardflow-chaos did not come up; its log:\n" + process->Log();
      return nullptr;
    }
    if (line.rfind(control_prefix, 0) == 0) {
      const std::string address = line.substr(control_prefix.size());
      const size_t colon = address.rfind(':');
      process->control_host_ = address.substr(0, colon);
      process->control_port_ = std::stoi(address.substr(colon + 1));
    } else if (line.rfind(link_prefix, 0) == 0) {
      const size_t on = line.find(" listening on ");
      process->links_[line.substr(link_prefix.size(), on - link_prefix.size())] =
          line.substr(on + std::string(" listening on ").size());
    }
  }
  return process;
}

int ChaosProcess::RunToExit(const std::vector<std::string>& args, std::string* log,
                            std::chrono::milliseconds timeout) {
  std::unique_ptr<ChaosProcess> process(new ChaosProcess());
  process->log_path_ = NewLogPath();
  process->pid_ = Spawn(args, process->log_path_, &process->stdout_fd_);
  if (process->pid_ < 0) return -1;
  const int status = process->Wait(timeout);
  *log = process->Log();
  return status;
}

ChaosProcess::~ChaosProcess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (!log_path_.empty()) unlink(log_path_.c_str());
}

std::string ChaosProcess::link(const std::string& name) const {
  const auto it = links_.find(name);
  return it == links_.end() ? "" : it->second;
}

void ChaosProcess::Signal(int signal) {
  if (pid_ > 0 && !reaped_) kill(pid_, signal);
}

int ChaosProcess::Wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0 || reaped_) return -1;
  // The process closes stdout only by exiting: wait for end-of-file, then reap.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string ignored;
  while (ReadLine(stdout_fd_, deadline, &ignored)) {
  }
  if (std::chrono::steady_clock::now() >= deadline) return -1;
  int status = 0;
  if (waitpid(pid_, &status, 0) != pid_) return -1;
  reaped_ = true;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ChaosProcess::Log() const { return ReadFile(log_path_); }

}  // namespace cardflow::chaos::testing
