// The decks of examples/, compiled into the program at build time (see
// CMakeLists.txt), so `demo` needs no file on disk and the binary works from
// any directory or container.
#pragma once

#include <span>
#include <string_view>

namespace cardflow {

struct EmbeddedDeck {
  std::string_view file;  // "transfer.deck"
  std::string_view text;  // the file's bytes
};

// Every example deck, by file name ascending.
std::span<const EmbeddedDeck> EmbeddedDecks();

// The deck named `file`, or nullptr when examples/ has none by that name.
const EmbeddedDeck* FindEmbeddedDeck(std::string_view file);

}  // namespace cardflow
