// DiagnosticSink: collects the errors of one pass over a deck.
//
// It keeps the first `limit` errors in source order and remembers whether
// more arrived, so a file of garbage gives a bounded, readable answer: at most
// `limit` errors and then one "too many errors" line. Errors may be reported
// in any order; Take() sorts them by position (stable for equal positions).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/deck/deck.h"
#include "common/deck/diagnostic.h"

namespace cardflow {

inline constexpr size_t kMaxDiagnostics = 100;

class DiagnosticSink {
 public:
  explicit DiagnosticSink(std::string_view file, size_t limit = kMaxDiagnostics);

  void Error(SourcePos pos, std::string message);

  // True when nothing was reported.
  bool empty() const { return total_ == 0; }

  // How many errors were reported, kept or not.
  size_t count() const { return total_; }

  // Adds an error found by another pass (its file is replaced by this sink's).
  void Add(Diagnostic diagnostic);

  // True when more than `limit` errors were reported. A pass that reports in
  // source order may stop then: nothing it finds later would be shown.
  bool overflowed() const { return total_ > limit_; }

  // The kept errors in source order; when there were more than `limit`, the
  // last line is "too many errors" at the position of the first one dropped.
  std::vector<Diagnostic> Take() &&;

 private:
  struct Entry {
    Diagnostic diagnostic;
    size_t sequence;  // keeps equal positions in report order
  };
  static bool Before(const Entry& a, const Entry& b);

  std::string file_;
  size_t limit_;
  size_t total_ = 0;
  std::vector<Entry> kept_;  // a max-heap by position of at most limit_ + 1
};

}  // namespace cardflow
