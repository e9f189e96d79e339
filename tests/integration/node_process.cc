#include "tests/integration/node_process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "tests/test_paths.h"

extern char** environ;

namespace cardflow::testing {

namespace {

std::string NodeBinary() { return BinDir() + "/cardflow-node"; }

// Reads from `fd` until a whole line has come, or `deadline`.
bool ReadLine(int fd, std::chrono::steady_clock::time_point deadline, std::string* line) {
  std::string buffer;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char c;
    const ssize_t n = read(fd, &c, 1);
    if (n <= 0) return false;  // the process closed stdout: it is gone
    if (c == '\n') {
      *line = buffer;
      return true;
    }
    buffer += c;
  }
}

}  // namespace

std::unique_ptr<NodeProcess> NodeProcess::Start(const std::string& name, std::string* error,
                                                const std::vector<std::string>& extra,
                                                std::chrono::milliseconds timeout) {
  std::unique_ptr<NodeProcess> node(new NodeProcess());
  node->name_ = name;
  char log_path[] = "/tmp/cardflow-node-log-XXXXXX";
  const int log_fd = mkstemp(log_path);
  node->log_path_ = log_path;
  int out[2];
  if (log_fd < 0 || pipe(out) != 0) {
    *error = "cannot create the log file or pipe";
    return nullptr;
  }
  std::vector<std::string> args = {NodeBinary(), "--name", name, "--listen", "127.0.0.1:0"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  const int spawned = posix_spawn(&node->pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(log_fd);
  node->stdout_fd_ = out[0];
  if (spawned != 0) {
    node->pid_ = -1;
    *error = "cannot start " + args[0];
    return nullptr;
  }
  std::string line;
  const std::string prefix = "listening on ";
  if (!ReadLine(node->stdout_fd_, std::chrono::steady_clock::now() + timeout, &line) ||
      line.rfind(prefix, 0) != 0) {
    *error = "node " + name + " did not come up; its log:\n" + node->Log();
    return nullptr;
  }
  node->address_ = line.substr(prefix.size());
  return node;
}

NodeProcess::~NodeProcess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (!log_path_.empty()) unlink(log_path_.c_str());
}

void NodeProcess::Signal(int signal) {
  if (pid_ > 0 && !reaped_) kill(pid_, signal);
}

int NodeProcess::Wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0 || reaped_) return -1;
  // The node closes stdout only by exiting: wait for end-of-file, then reap.
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

std::string NodeProcess::Log() const {
  std::ifstream in(log_path_);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace cardflow::testing
