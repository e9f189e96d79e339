// Where the built programs and the source tree are, for tests that start
// real processes or read examples/. The environment (CARDFLOW_BIN,
// CARDFLOW_SOURCE) overrides the paths compiled in by tests/CMakeLists.txt.
#pragma once

#include <cstdlib>
#include <string>

namespace cardflow::testing {

inline std::string BinDir() {
  const char* env = std::getenv("CARDFLOW_BIN");
  return env ? env : CARDFLOW_BIN_DIR;
}

inline std::string SourceDir() {
  const char* env = std::getenv("CARDFLOW_SOURCE");
  return env ? env : CARDFLOW_SOURCE_DIR;
}

}  // namespace cardflow::testing
