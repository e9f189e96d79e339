#include "tests/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace cardflow::testing {

pid_t SpawnTied(const std::vector<std::string>& argv, int in, int out, int err,
                std::string* error) {
  // Everything the child needs is made here: between fork and exec only
  // async-signal-safe calls, as other threads may hold the allocator's locks.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // exec's failure comes back through this pipe; a successful exec closes it.
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    *error = std::string("pipe2: ") + std::strerror(errno);
    return -1;
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    close(report[0]);
    close(report[1]);
    return -1;
  }
  if (pid == 0) {
    // Dies with the thread that forked it; if that already happened before
    // prctl took effect, we were re-parented: go now.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    // Onto 0, 1, 2 (dup2 clears close-on-exec on the copies).
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
      const int e = errno;
      (void)!write(report[1], &e, sizeof e);
      _exit(127);
    }
    execve(args[0], args.data(), environ);
    const int e = errno;
    (void)!write(report[1], &e, sizeof e);
    _exit(127);
  }
  close(report[1]);
  int child_errno = 0;
  ssize_t got;
  do {
    got = read(report[0], &child_errno, sizeof child_errno);
  } while (got < 0 && errno == EINTR);
  close(report[0]);
  if (got > 0) {
    waitpid(pid, nullptr, 0);
    *error = "cannot start " + argv[0] + ": " + std::strerror(child_errno);
    return -1;
  }
  return pid;
}

std::unique_ptr<ChildProcess> ChildProcess::Spawn(std::vector<std::string> args) {
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  char log_path[] = "/tmp/cardflow-child-log-XXXXXX";
  const int log_fd = mkostemp(log_path, O_CLOEXEC);
  if (log_fd < 0) return nullptr;
  child->log_path_ = log_path;
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(log_fd);
    return nullptr;
  }
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::string error;
  child->pid_ = null_fd < 0 ? -1 : SpawnTied(args, null_fd, out[1], log_fd, &error);
  if (null_fd >= 0) close(null_fd);
  close(out[1]);
  close(log_fd);
  child->stdout_fd_ = out[0];
  if (child->pid_ < 0) return nullptr;
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
