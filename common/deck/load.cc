#include "common/deck/load.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "common/deck/checker.h"
#include "common/deck/compiler.h"
#include "common/deck/parser.h"

namespace cardflow {

LoadResult LoadDeck(std::string_view text, std::string_view file_name, Ordering ordering) {
  ParseResult parsed = ParseDeck(text, file_name);
  // A deck with syntax errors is missing lines; checking it would report
  // names and deadlocks that are only echoes of the syntax errors.
  if (!parsed.errors.empty()) return {std::nullopt, std::move(parsed.errors)};
  std::vector<Diagnostic> errors = CheckDeck(parsed.deck, ordering);
  if (!errors.empty()) return {std::nullopt, std::move(errors)};
  return {CompileDeck(std::move(parsed.deck)), {}};
}

LoadResult LoadDeckFile(const std::string& path, Ordering ordering) {
  const auto unreadable = [&path](int error) {
    return LoadResult{
        std::nullopt,
        {Diagnostic{path, 0, 0,
                    "cannot read the deck file: " + std::string(std::strerror(error))}}};
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) return unreadable(errno);
  std::string text;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, n);
  if (std::ferror(file.get())) return unreadable(errno);
  return LoadDeck(text, path, ordering);
}

}  // namespace cardflow
