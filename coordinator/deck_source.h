// LoadDeckSource: the deck a command line names, for the commands that load
// one (`run`, `check`): read, parsed, checked and compiled.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "common/deck/load.h"
#include "common/deck/program.h"

namespace cardflow {

// The file's bytes, or nothing when it cannot be read (a directory
// included; LoadDeckFile then says why, in the diagnostic format). Reads at
// most kMaxDeckBytes + 1 bytes (common/deck/limits.h): longer is too large.
std::optional<std::string> ReadDeckText(const std::string& path);

struct DeckSource {
  LoadResult loaded;
  // The deck's text, the same string as loaded.program->source (held once);
  // null when it could not be read.
  std::shared_ptr<const std::string> text;
};

// Loads `path`. When no such file exists but one of the example decks built
// into the program has its file name (`examples/transfer.deck` run from
// another directory, or in a container), that deck is used and `note` says
// so; otherwise an unreadable file, or one over kMaxDeckBytes, is a
// diagnostic naming it. What loading freed (the syntax tree: most of a big
// deck's loading) is given back to the system before it returns: the runs
// allocate on other threads, which would not reuse it.
DeckSource LoadDeckSource(const std::string& path, Ordering ordering, std::ostream& note);

}  // namespace cardflow
