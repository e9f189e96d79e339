#include "coordinator/deck_source.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace cardflow {

std::optional<std::string> ReadDeckText(const std::string& path) {
  // An ifstream "reads" a directory as an empty file.
  if (std::error_code ec; std::filesystem::is_directory(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

}  // namespace cardflow
