// ReadDeckText: the text of a deck file named on the command line, for the
// commands that load one (`run`, `check`).
#pragma once

#include <optional>
#include <string>

namespace cardflow {

// The file's bytes, or nothing when it cannot be read (LoadDeckFile then
// says why, in the diagnostic format).
std::optional<std::string> ReadDeckText(const std::string& path);

}  // namespace cardflow
