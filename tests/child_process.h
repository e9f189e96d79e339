// ChildProcess: a real program started by a test — stdin from /dev/null,
// stdout through a pipe the test reads line by line (so it can wait for the
// program's own "listening on ..." instead of sleeping), stderr to a log
// file. The destructor SIGKILLs and reaps what is still running, and should
// the test binary die without running it (a crash, an abort, CTest's
// timeout), the kernel SIGKILLs the program anyway (SpawnTied below), so no
// node a test started outlives it with parent 1.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace cardflow::testing {

// Starts argv[0] (a path) with `argv` and this process's environment, its
// stdin, stdout and stderr dup'ed from `in`, `out` and `err` (which stay open
// here; the caller closes them), in a child that the kernel SIGKILLs when the
// calling thread ends (PR_SET_PDEATHSIG: when the test dies, however it
// dies). So call it from a thread that outlives the child — a test's own
// thread, not a short-lived worker. The child's signal mask is empty. Its
// pid, or -1 with the reason in *error (fork failed, or exec failed: errno's
// words and the path). Safe to call from a process with other threads (only
// async-signal-safe calls between fork and exec).
pid_t SpawnTied(const std::vector<std::string>& argv, int in, int out, int err, std::string* error);

class ChildProcess {
 public:
  // Starts args[0] (a path) with `args` (SpawnTied: it dies with the calling
  // thread at the latest). Null when it cannot be started.
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
