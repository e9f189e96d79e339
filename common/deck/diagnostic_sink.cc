#include "common/deck/diagnostic_sink.h"

#include <algorithm>
#include <utility>

namespace cardflow {

DiagnosticSink::DiagnosticSink(std::string_view file, size_t limit) : file_(file), limit_(limit) {}

bool DiagnosticSink::Before(const Entry& a, const Entry& b) {
  const Diagnostic& x = a.diagnostic;
  const Diagnostic& y = b.diagnostic;
  if (x.line != y.line) return x.line < y.line;
  if (x.column != y.column) return x.column < y.column;
  return a.sequence < b.sequence;
}

void DiagnosticSink::Error(SourcePos pos, std::string message) {
  Entry entry{Diagnostic{file_, pos.line, pos.column, std::move(message)}, total_++};
  if (kept_.size() <= limit_) {
    kept_.push_back(std::move(entry));
    std::push_heap(kept_.begin(), kept_.end(), Before);
    return;
  }
  // Full: keep the entry only if it comes before the last one kept.
  if (!Before(entry, kept_.front())) return;
  std::pop_heap(kept_.begin(), kept_.end(), Before);
  kept_.back() = std::move(entry);
  std::push_heap(kept_.begin(), kept_.end(), Before);
}

void DiagnosticSink::Add(Diagnostic diagnostic) {
  Error({diagnostic.line, diagnostic.column}, std::move(diagnostic.message));
}

std::vector<Diagnostic> DiagnosticSink::Take() && {
  std::sort_heap(kept_.begin(), kept_.end(), Before);
  std::vector<Diagnostic> out;
  out.reserve(kept_.size());
  for (Entry& entry : kept_) out.push_back(std::move(entry.diagnostic));
  if (out.size() > limit_) {
    out.back().message = "too many errors; only the first " + std::to_string(limit_) + " are shown";
  }
  return out;
}

}  // namespace cardflow
