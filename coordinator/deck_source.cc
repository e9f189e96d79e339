#include "coordinator/deck_source.h"

#include <fstream>
#include <sstream>

namespace cardflow {

std::optional<std::string> ReadDeckText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

}  // namespace cardflow
