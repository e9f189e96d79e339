#include "base/file_text.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cardflow {

FileText ReadFileText(const std::string& path) {
  if (std::error_code ec; std::filesystem::is_directory(path, ec)) {
    return {std::nullopt, "it is a directory"};
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  const int open_error = errno;
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    const int error = open_error != 0 ? open_error : errno;
    return {std::nullopt, error != 0 ? std::strerror(error) : ""};
  }
  return {std::move(text).str(), ""};
}

}  // namespace cardflow
