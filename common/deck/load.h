// LoadDeck: the deck front end in one call — parse, check, compile.
// Either a Program comes back, or every problem of the file does (never just
// the first). Nothing is run here.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/deck/diagnostic.h"
#include "common/deck/program.h"

namespace cardflow {

struct LoadResult {
  std::optional<Program> program;  // set exactly when errors is empty
  std::vector<Diagnostic> errors;
};

// `file_name` is used in diagnostics and in Program::file. The deadlock and
// unmatched-await checks apply only to Ordering::kCallbacks.
// The Program keeps a copy of `text` (Program::source).
LoadResult LoadDeck(std::string_view text, std::string_view file_name, Ordering ordering);

// The same without a copy: the Program shares `text` (not null) as its
// source, so a caller that keeps the text holds it once.
LoadResult LoadDeck(std::shared_ptr<const std::string> text, std::string_view file_name,
                    Ordering ordering);

// Reads `path` and loads it; an unreadable file or a directory is one
// diagnostic at 0:0 saying so.
LoadResult LoadDeckFile(const std::string& path, Ordering ordering);

}  // namespace cardflow
