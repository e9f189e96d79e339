#include "common/deck/diagnostic.h"

namespace cardflow {

std::string Diagnostic::ToString() const {
  // Line 0: about the file as a whole (it cannot be read, it is too large).
  if (line == 0) return file + ": error: " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": error: " + message;
}

std::string FormatDiagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& diagnostic : diagnostics) {
    out += diagnostic.ToString();
    out += '\n';
  }
  return out;
}

}  // namespace cardflow
