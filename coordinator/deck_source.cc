#include "coordinator/deck_source.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "common/deck/limit_checks.h"
#include "coordinator/embedded_decks.h"

namespace cardflow {

std::optional<std::string> ReadDeckText(const std::string& path) {
  // An ifstream "reads" a directory as an empty file.
  if (std::error_code ec; std::filesystem::is_directory(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  // One byte past the limit tells a deck too large, whatever the file is (a
  // pipe has no size), without reading the rest of it.
  // Sized to the file (when it has one) so that a big deck's text takes
  // its size, not the next power of two: it is held for the whole command.
  std::string text;
  if (std::error_code ec; std::filesystem::is_regular_file(path, ec)) {
    const uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec) text.reserve(static_cast<size_t>(std::min<uintmax_t>(size, kMaxDeckBytes) + 1));
  }
  std::vector<char> chunk(size_t{1} << 16);
  while (text.size() <= kMaxDeckBytes && in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    text.append(chunk.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return std::nullopt;
  return text;
}

namespace {

// Returns the pages of the heap's free chunks to the system. glibc keeps
// freed memory for reuse by the same arena only; the run's threads (gRPC's,
// the result pool) allocate from arenas of their own.
void ReleaseFreedMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

DeckSource LoadText(std::string text, const std::string& path, Ordering ordering) {
  DeckSource source;
  source.text = std::make_shared<const std::string>(std::move(text));
  source.loaded = LoadDeck(source.text, path, ordering);
  ReleaseFreedMemory();
  return source;
}

}  // namespace

DeckSource LoadDeckSource(const std::string& path, Ordering ordering, std::ostream& note) {
  if (std::optional<std::string> text = ReadDeckText(path)) {
    if (text->size() > kMaxDeckBytes) {
      DeckSource source;
      source.loaded = LoadResult{std::nullopt, {DeckTooLarge(path)}};
      return source;
    }
    return LoadText(*std::move(text), path, ordering);
  }
  std::error_code ec;
  const std::filesystem::path file(path);
  if (!std::filesystem::exists(file, ec)) {
    if (const EmbeddedDeck* deck = FindEmbeddedDeck(file.filename().string())) {
      note << "cardflow-coordinator: no file " << path << " here; using the example " << deck->file
           << " built into this program\n"
           << std::flush;
      return LoadText(std::string(deck->text), path, ordering);
    }
  }
  DeckSource source;
  source.loaded = LoadDeckFile(path, ordering);
  return source;
}

}  // namespace cardflow
