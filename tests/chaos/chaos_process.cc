#include "tests/chaos/chaos_process.h"

#include <algorithm>

#include "tests/test_paths.h"

namespace cardflow::chaos::testing {

using cardflow::testing::ChildProcess;

namespace {

std::unique_ptr<ChildProcess> Spawn(std::vector<std::string> args) {
  args.insert(args.begin(), ChaosBinary());
  return ChildProcess::Spawn(std::move(args));
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
  process->child_ = Spawn(full);
  if (!process->child_) {
    *error = "cannot start " + ChaosBinary();
    return nullptr;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string link_prefix = "link ";
  const std::string control_prefix = "control listening on ";
  std::string line;
  while (process->control_port_ == 0) {
    if (!process->child_->ReadLine(deadline, &line)) {
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
  process->child_ = Spawn(args);
  if (!process->child_) return -1;
  const int status = process->Wait(timeout);
  *log = process->Log();
  return status;
}

std::string ChaosProcess::link(const std::string& name) const {
  const auto it = links_.find(name);
  return it == links_.end() ? "" : it->second;
}

void ChaosProcess::Signal(int signal) { child_->Signal(signal); }

int ChaosProcess::Wait(std::chrono::milliseconds timeout) { return child_->Wait(timeout); }

std::string ChaosProcess::Log() const { return child_->Log(); }

}  // namespace cardflow::chaos::testing
