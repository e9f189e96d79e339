#include "coordinator/deck_source.h"

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
  std::string text;
  std::vector<char> chunk(size_t{1} << 16);
  while (text.size() <= kMaxDeckBytes && in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    text.append(chunk.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return std::nullopt;
  return text;
}

DeckSource LoadDeckSource(const std::string& path, Ordering ordering, std::ostream& note) {
  DeckSource source;
  if (std::optional<std::string> text = ReadDeckText(path)) {
    if (text->size() > kMaxDeckBytes) {
      source.loaded = LoadResult{std::nullopt, {DeckTooLarge(path)}};
      return source;
    }
    source.text = *std::move(text);
    source.loaded = LoadDeck(source.text, path, ordering);
    return source;
  }
  std::error_code ec;
  const std::filesystem::path file(path);
  if (!std::filesystem::exists(file, ec)) {
    if (const EmbeddedDeck* deck = FindEmbeddedDeck(file.filename().string())) {
      note << "cardflow-coordinator: no file " << path << " here; using the example " << deck->file
           << " built into this program\n"
           << std::flush;
      source.text = std::string(deck->text);
      source.loaded = LoadDeck(source.text, path, ordering);
      return source;
    }
  }
  source.loaded = LoadDeckFile(path, ordering);
  return source;
}

}  // namespace cardflow
