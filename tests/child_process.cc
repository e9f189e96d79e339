#include "tests/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

extern char** environ;

namespace cardflow::testing {

std::unique_ptr<ChildProcess> ChildProcess::Spawn(std::vector<std::string> args) {
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  char log_path[] = "/tmp/cardflow-child-log-XXXXXX";
  const int log_fd = mkstemp(log_path);
  if (log_fd < 0) return nullptr;
  child->log_path_ = log_path;
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(log_fd);
    return nullptr;
  }
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
  const int spawned = posix_spawn(&child->pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(log_fd);
  child->stdout_fd_ = out[0];
  if (spawned != 0) {
    child->pid_ = -1;
    return nullptr;
  }
  return child;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (!log_path_.empty()) unlink(log_path_.c_str());
}

bool ChildProcess::ReadLine(std::chrono::steady_clock::time_point deadline, std::string* line) {
  std::string buffer;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char c;
    if (read(stdout_fd_, &c, 1) <= 0) return false;
    if (c == '\n') {
      *line = buffer;
      return true;
    }
    buffer += c;
  }
}

void ChildProcess::Signal(int signal) {
  if (pid_ > 0 && !reaped_) kill(pid_, signal);
}

int ChildProcess::Wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0 || reaped_) return -1;
  // The program closes stdout only by exiting: wait for end-of-file, then reap.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string ignored;
  while (ReadLine(deadline, &ignored)) {
  }
  if (std::chrono::steady_clock::now() >= deadline) return -1;
  int status = 0;
  if (waitpid(pid_, &status, 0) != pid_) return -1;
  reaped_ = true;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ChildProcess::Log() const {
  std::ifstream in(log_path_);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace cardflow::testing
