// ChildProcess: a real program started by a test — stdin from /dev/null,
// stdout through a pipe the test reads line by line (so it can wait for the
// program's own "listening on ..." instead of sleeping), stderr to a log
// file. The destructor SIGKILLs and reaps what is still running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace cardflow::testing {

class ChildProcess {
 public:
  // Starts args[0] (a path) with `args`. Null when it cannot be started.
  static std::unique_ptr<ChildProcess> Spawn(std::vector<std::string> args);

  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next whole line of stdout; false at `deadline` or once the program
  // closed its stdout (it is gone).
  bool ReadLine(std::chrono::steady_clock::time_point deadline, std::string* line);
  void Signal(int signal);
  // Waits up to `timeout` for the program to end; its exit status, or -1
  // (killed by a signal, or still running after `timeout`).
  int Wait(std::chrono::milliseconds timeout);
  // What it wrote on stderr so far.
  std::string Log() const;
  pid_t pid() const { return pid_; }

 private:
  ChildProcess() = default;
  std::string log_path_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  bool reaped_ = false;
};

}  // namespace cardflow::testing
