// LoadDeck / LoadDeckFile and the small helpers around them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "tests/deck/deck_test_util.h"

namespace cardflow::testing {
namespace {

using ::testing::HasSubstr;

TEST(LoadTest, LoadsTheExampleInBothModes) {
  for (Ordering ordering : {Ordering::kCallbacks, Ordering::kNone}) {
    const LoadResult result = Load(kTransferDeck, ordering);
    EXPECT_TRUE(result.program.has_value()) << FormatDiagnostics(result.errors);
    EXPECT_TRUE(result.errors.empty());
  }
}

TEST(LoadTest, ReadsAFile) {
  const std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) / "load_test_transfer.deck";
  std::ofstream(path, std::ios::binary) << kTransferDeck;
  const LoadResult result = LoadDeckFile(path.string(), Ordering::kCallbacks);
  ASSERT_TRUE(result.program.has_value()) << FormatDiagnostics(result.errors);
  EXPECT_EQ(result.program->file, path.string());
  std::filesystem::remove(path);
}

TEST(LoadTest, AnUnreadableFileIsOneDiagnosticAtZeroZero) {
  const std::string missing = "/nonexistent/dir/x.deck";
  const std::string dir = ::testing::TempDir();
  for (const auto& [path, message] :
       {std::pair{missing, missing + ": error: cannot read the deck file: No such file"},
        std::pair{dir, dir + ": error: this is a directory, not a deck file (decks are files "
                             "such as examples/transfer.deck)"}}) {
    const LoadResult result = LoadDeckFile(path, Ordering::kCallbacks);
    EXPECT_FALSE(result.program.has_value());
    ASSERT_EQ(result.errors.size(), 1u) << path;
    EXPECT_EQ(result.errors[0].line, 0);
    EXPECT_EQ(result.errors[0].column, 0);
    EXPECT_THAT(result.errors[0].ToString(), HasSubstr(message));
  }
}

TEST(LoadTest, FormatsDiagnosticsOnePerLine) {
  const std::vector<Diagnostic> diagnostics = {{"a.deck", 3, 5, "first"},
                                               {"a.deck", 4, 1, "second"}};
  EXPECT_EQ(diagnostics[0].ToString(), "a.deck:3:5: error: first");
  EXPECT_EQ(FormatDiagnostics(diagnostics),
            "a.deck:3:5: error: first\na.deck:4:1: error: second\n");
  EXPECT_EQ(FormatDiagnostics({}), "");
}

TEST(LoadTest, NamesTheOrderingModes) {
  EXPECT_STREQ(OrderingName(Ordering::kCallbacks), "callbacks");
  EXPECT_STREQ(OrderingName(Ordering::kNone), "none");
}

}  // namespace
}  // namespace cardflow::testing
