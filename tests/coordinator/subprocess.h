// RunProcess: start a program, wait for it, and keep what it printed — for
// tests that drive the real binaries.
#pragma once

#include <string>
#include <vector>

namespace cardflow::testutil {

struct ProcessResult {
  int exit_code = -1;  // -1 when it did not exit normally (signal, spawn failure)
  std::string out;
  std::string err;
};

// Runs argv[0] (a path) with `argv`, stdin from /dev/null, stdout and stderr
// captured through temporary files (so neither pipe can fill up and block).
ProcessResult RunProcess(const std::vector<std::string>& argv);

// $CARDFLOW_BIN/cardflow-coordinator, as cardflow_test() sets it (else the
// build's bin/ directory).
std::string CoordinatorBinary();

// RunProcess of CoordinatorBinary() with `args`: `cardflow-coordinator ARGS`.
ProcessResult RunCoordinator(std::vector<std::string> args);

// $CARDFLOW_SOURCE/examples/NAME (else the source tree's).
std::string ExampleDeck(const std::string& name);

// A file holding `text` in a fresh temporary directory, removed with the
// object: a deck, a schedule, a page to write.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& text);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
};

}  // namespace cardflow::testutil
