// ChaosProcess: a real `cardflow-chaos` child process for the end-to-end
// tests. Start() returns once the proxy has printed every
// `link NAME listening on HOST:PORT` line and `control listening on
// HOST:PORT` — the proxy's own word that it serves, so tests never sleep
// to synchronise.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/child_process.h"

namespace cardflow::chaos::testing {

// The cardflow-chaos binary: $CARDFLOW_BIN or the build's bin directory.
std::string ChaosBinary();

class ChaosProcess {
 public:
  // Starts cardflow-chaos with `args` (plus `--control 127.0.0.1:0` unless
  // args has --control) and waits up to `timeout` for its addresses. Null,
  // with the reason and its log in *error, if it did not come up.
  static std::unique_ptr<ChaosProcess> Start(
      const std::vector<std::string>& args, std::string* error,
      std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Runs cardflow-chaos with `args` to its end (at most `timeout`); its exit
  // status, or -1 if it was killed or still ran. Its stderr in *log.
  static int RunToExit(const std::vector<std::string>& args, std::string* log,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

  ~ChaosProcess() = default;  // SIGKILL and reap, if still running
  ChaosProcess(const ChaosProcess&) = delete;
  ChaosProcess& operator=(const ChaosProcess&) = delete;

  // "127.0.0.1:PORT" where link `name` listens ("" if there is no such link).
  std::string link(const std::string& name) const;
  // HOST and PORT of the control API.
  const std::string& control_host() const { return control_host_; }
  int control_port() const { return control_port_; }

  void Signal(int signal);
  // Waits up to `timeout` for the process to end; its exit status, or -1.
  int Wait(std::chrono::milliseconds timeout);
  // What it logged on stderr so far.
  std::string Log() const;

 private:
  ChaosProcess() = default;

  std::map<std::string, std::string> links_;
  std::string control_host_;
  int control_port_ = 0;
  std::unique_ptr<cardflow::testing::ChildProcess> child_;
};

}  // namespace cardflow::chaos::testing
