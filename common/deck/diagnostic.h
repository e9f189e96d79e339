// Diagnostic: one problem found in a deck, printed as
// `FILE:LINE:COL: error: MESSAGE` (DECK.md, "Static checks").
#pragma once

#include <string>
#include <vector>

namespace cardflow {

struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based, counted in bytes
  std::string message;

  std::string ToString()
      const;  // "FILE:LINE:COL: error: MESSAGE"; "FILE: error: MESSAGE" for line 0
};

// All diagnostics, one per line, in source order.
std::string FormatDiagnostics(const std::vector<Diagnostic>& diagnostics);

}  // namespace cardflow
