// Helpers shared by the deck tests: load a deck from a string and look at
// its diagnostics as "LINE:COL: message" strings.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/deck/load.h"

namespace cardflow::testing {

inline constexpr std::string_view kFile = "t.deck";

inline LoadResult Load(std::string_view text, Ordering ordering = Ordering::kCallbacks) {
  return LoadDeck(text, kFile, ordering);
}

// Each diagnostic as "LINE:COL: MESSAGE", checking the file name on the way.
inline std::vector<std::string> Errors(std::string_view text,
                                       Ordering ordering = Ordering::kCallbacks) {
  std::vector<std::string> out;
  for (const Diagnostic& d : Load(text, ordering).errors) {
    out.push_back((d.file == kFile ? "" : "WRONG FILE ") + std::to_string(d.line) + ":" +
                  std::to_string(d.column) + ": " + d.message);
  }
  return out;
}

// One row of an error table: a deck with exactly one problem and where it is.
struct ErrorCase {
  const char* name;
  std::string text;
  int line;
  int column;
  const char* message;  // a substring of the expected message
};

// Shown by gtest instead of the row's bytes.
inline void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

// gtest parameter names: the case's name.
inline std::string CaseName(const ::testing::TestParamInfo<ErrorCase>& info) {
  return info.param.name;
}

// The deck is rejected with exactly the one diagnostic `c` describes.
inline void ExpectOneError(const ErrorCase& c, Ordering ordering = Ordering::kCallbacks) {
  const LoadResult result = Load(c.text, ordering);
  EXPECT_FALSE(result.program.has_value());
  ASSERT_EQ(result.errors.size(), 1u) << FormatDiagnostics(result.errors);
  const Diagnostic& d = result.errors[0];
  EXPECT_EQ(d.file, kFile);
  EXPECT_EQ(d.line, c.line) << d.ToString();
  EXPECT_EQ(d.column, c.column) << d.ToString();
  EXPECT_THAT(d.message, ::testing::HasSubstr(c.message));
}

// The example deck of DECK.md.
inline constexpr std::string_view kTransferDeck =
    "# transfer.deck: A deposits 50, then B doubles the balance.\n"
    "shared balance = 100\n"
    "\n"
    "stack A on X:\n"
    "    read balance -> a\n"
    "    add a 50\n"
    "    write a -> balance\n"
    "    notify B            # callback: tell B what we did\n"
    "\n"
    "stack B on Y:\n"
    "    await A             # resume only after A's callback\n"
    "    read balance -> b\n"
    "    mul b 2\n"
    "    write b -> balance\n"
    "\n"
    "expect balance == 300\n";

}  // namespace cardflow::testing
