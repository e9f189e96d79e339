#include "tests/integration/node_process.h"

#include <algorithm>

#include "tests/test_paths.h"

namespace cardflow::testing {

std::unique_ptr<NodeProcess> NodeProcess::Start(const std::string& name, std::string* error,
                                                const std::vector<std::string>& extra,
                                                std::chrono::milliseconds timeout) {
  std::unique_ptr<NodeProcess> node(new NodeProcess());
  node->name_ = name;
  std::vector<std::string> args = {BinDir() + "/cardflow-node", "--name", name};
  if (std::find(extra.begin(), extra.end(), "--listen") == extra.end()) {
    args.insert(args.end(), {"--listen", "127.0.0.1:0"});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  node->child_ = ChildProcess::Spawn(args);
  if (!node->child_) {
    *error = "cannot start " + args[0];
    return nullptr;
  }
  std::string line;
  const std::string prefix = "listening on ";
  if (!node->child_->ReadLine(std::chrono::steady_clock::now() + timeout, &line) ||
      line.rfind(prefix, 0) != 0) {
    *error = "node " + name + " did not come up; its log:\n" + node->Log();
    return nullptr;
  }
  node->address_ = line.substr(prefix.size());
  return node;
}

bool NodeProcess::ReadLine(std::chrono::milliseconds timeout, std::string* line) {
  return child_->ReadLine(std::chrono::steady_clock::now() + timeout, line);
}

void NodeProcess::Signal(int signal) { child_->Signal(signal); }

int NodeProcess::Wait(std::chrono::milliseconds timeout) { return child_->Wait(timeout); }

std::string NodeProcess::Log() const { return child_->Log(); }

}  // namespace cardflow::testing
