#include "common/deck/diagnostic.h"

namespace cardflow {

std::string Diagnostic::ToString() const {
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
