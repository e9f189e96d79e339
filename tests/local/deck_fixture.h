// Test helper: load a deck from text or from examples/, failing the test
// with the diagnostics when it does not load.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "common/deck/load.h"
#include "tests/test_paths.h"

namespace cardflow::testing {

inline Program MustLoad(std::string_view text, Ordering ordering = Ordering::kCallbacks,
                        std::string_view name = "test.deck") {
  LoadResult loaded = LoadDeck(text, name, ordering);
  EXPECT_TRUE(loaded.errors.empty()) << FormatDiagnostics(loaded.errors);
  if (!loaded.program) return Program{};
  return *std::move(loaded.program);
}

inline std::string ExamplePath(const std::string& file) {
  return SourceDir() + "/examples/" + file;
}

inline Program MustLoadExample(const std::string& file, Ordering ordering = Ordering::kCallbacks) {
  LoadResult loaded = LoadDeckFile(ExamplePath(file), ordering);
  EXPECT_TRUE(loaded.errors.empty()) << FormatDiagnostics(loaded.errors);
  if (!loaded.program) return Program{};
  return *std::move(loaded.program);
}

}  // namespace cardflow::testing
