// NodeProcess: a real `cardflow-node` child process for integration tests.
// Start() returns once the node has printed `listening on HOST:PORT` — the
// node's own word that it serves, so tests never sleep to synchronise.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/child_process.h"

namespace cardflow::testing {

class NodeProcess {
 public:
  // Starts $CARDFLOW_BIN/cardflow-node --name NAME --listen 127.0.0.1:0
  // plus `extra` arguments (without the default --listen when `extra` has
  // one), and waits up to `timeout` for its address.
  // Null (with the reason in *error) if it did not come up.
  static std::unique_ptr<NodeProcess> Start(
      const std::string& name, std::string* error, const std::vector<std::string>& extra = {},
      std::chrono::milliseconds timeout = std::chrono::seconds(10));

  ~NodeProcess() = default;  // SIGKILL and reap, if still running
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  const std::string& name() const { return name_; }
  const std::string& address() const { return address_; }  // "127.0.0.1:PORT"
  pid_t pid() const { return child_->pid(); }

  // The next line the node prints on stdout after `listening on ...` (with
  // --health-listen: `health listening on HOST:PORT`); false if none comes
  // within `timeout`.
  bool ReadLine(std::chrono::milliseconds timeout, std::string* line);
  void Signal(int signal);
  // Waits for the process to end, up to `timeout`; its exit status, or -1
  // (killed by a signal, or still running after `timeout`).
  int Wait(std::chrono::milliseconds timeout);
  // What it logged on stderr so far.
  std::string Log() const;

 private:
  NodeProcess() = default;
  std::string name_;
  std::string address_;
  std::unique_ptr<ChildProcess> child_;
};

}  // namespace cardflow::testing
