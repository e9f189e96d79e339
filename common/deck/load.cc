#include "common/deck/load.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include "common/deck/checker.h"
#include "common/deck/compiler.h"
#include "common/deck/diagnostic_sink.h"
#include "common/deck/parser.h"
#include "common/deck/unroll.h"

namespace cardflow {

LoadResult LoadDeck(std::string_view text, std::string_view file_name, Ordering ordering) {
  return LoadDeck(std::make_shared<const std::string>(text), file_name, ordering);
}

LoadResult LoadDeck(std::shared_ptr<const std::string> text, std::string_view file_name,
                    Ordering ordering) {
  ParseResult parsed = ParseDeck(std::move(text), file_name);
  // Past the limit, checking could only add errors that would not be shown.
  if (parsed.errors.size() > kMaxDiagnostics) return {std::nullopt, std::move(parsed.errors)};
  // The lines that parsed are unrolled and checked even when others did not,
  // so that one pass reports both kinds of mistake; CheckDeck() keeps the
  // checks that would only echo a syntax error quiet.
  DiagnosticSink sink(file_name);
  for (Diagnostic& error : parsed.errors) sink.Add(std::move(error));
  UnrollDeck(parsed.deck, sink);
  CheckDeck(parsed.deck, ordering, sink);
  if (!sink.empty()) return {std::nullopt, std::move(sink).Take()};
  return {CompileDeck(std::move(parsed.deck)), {}};
}

LoadResult LoadDeckFile(const std::string& path, Ordering ordering) {
  const auto unreadable = [&path](int error) {
    return LoadResult{
        std::nullopt,
        {Diagnostic{path, 0, 0,
                    "cannot read the deck file: " + std::string(std::strerror(error))}}};
  };
  if (std::error_code ec; std::filesystem::is_directory(path, ec)) {
    return LoadResult{std::nullopt,
                      {Diagnostic{path, 0, 0,
                                  "this is a directory, not a deck file (decks are files such "
                                  "as examples/transfer.deck)"}}};
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) return unreadable(errno);
  std::string text;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, n);
  if (std::ferror(file.get())) return unreadable(errno);
  return LoadDeck(std::make_shared<const std::string>(std::move(text)), path, ordering);
}

}  // namespace cardflow
