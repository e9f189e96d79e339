// Hostile input: binary garbage, huge tokens, huge files and thousands of
// errors must give bounded, readable diagnostics, never a crash or a
// quadratic blowup.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "common/deck/diagnostic_sink.h"
#include "tests/deck/deck_test_util.h"

namespace cardflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

bool IsPrintableAscii(const std::string& s) {
  for (char c : s) {
    if (c < ' ' || c > '~') return false;
  }
  return true;
}

void ExpectBoundedReadableErrors(const LoadResult& result) {
  EXPECT_FALSE(result.program.has_value());
  EXPECT_FALSE(result.errors.empty());
  EXPECT_LE(result.errors.size(), kMaxDiagnostics + 1);
  int line = 0;
  for (const Diagnostic& d : result.errors) {
    EXPECT_TRUE(IsPrintableAscii(d.message)) << d.line;
    EXPECT_LT(d.message.size(), 300u);
    EXPECT_GE(d.line, line);  // source order
    line = d.line;
  }
}

TEST(RobustnessTest, RandomBinaryFilesGiveErrors) {
  for (unsigned seed = 1; seed <= 50; ++seed) {
    std::mt19937 random(seed);
    std::string bytes(3000, '\0');
    for (char& c : bytes) c = static_cast<char>(random() & 0xff);
    ExpectBoundedReadableErrors(Load(bytes));
    ExpectBoundedReadableErrors(Load(bytes, Ordering::kNone));
  }
}

TEST(RobustnessTest, RandomDeckLikeTextNeverCrashes) {
  const std::string alphabet =
      "stack shared expect outcome on read write -> : , = == A B x 1 -5 #\n\t ";
  for (unsigned seed = 1; seed <= 200; ++seed) {
    std::mt19937 random(seed);
    std::string text;
    for (int i = 0; i < 400; ++i) text += alphabet[random() % alphabet.size()];
    const LoadResult result = Load(text);
    EXPECT_NE(result.program.has_value(), !result.errors.empty());
  }
}

TEST(RobustnessTest, AHundredThousandCharacterNameIsOneShortError) {
  const std::string name(100000, 'a');
  for (const std::string& deck :
       {"shared " + name + "\n", "stack " + name + ":\n", "stack A:\n    set " + name + " 1\n",
        "stack A:\n    set a 1\nexpect A." + name + " == 1\n"}) {
    const LoadResult result = Load(deck);
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_THAT(result.errors[0].message,
                HasSubstr("(100000 characters) is longer than 64 characters"));
    EXPECT_LT(result.errors[0].message.size(), 150u);
  }
}

TEST(RobustnessTest, AHundredThousandDigitIntegerIsOneShortError) {
  const LoadResult result = Load("shared x = " + std::string(100000, '9') + "\n");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_THAT(result.errors[0].message, HasSubstr("is outside the signed 64-bit range"));
  EXPECT_LT(result.errors[0].message.size(), 150u);
}

TEST(RobustnessTest, StopsAfterAHundredErrors) {
  std::string deck = "stack A:\n";
  for (int i = 0; i < 5000; ++i) deck += "    bogus\n";
  const LoadResult result = Load(deck);
  ASSERT_EQ(result.errors.size(), kMaxDiagnostics + 1);
  EXPECT_EQ(result.errors[99].line, 101);
  EXPECT_EQ(result.errors[100].line, 102);
  EXPECT_EQ(result.errors[100].message, "too many errors; only the first 100 are shown");
}

TEST(RobustnessTest, KeepsTheFirstHundredCheckErrorsEvenWhenFoundOutOfOrder) {
  // Stack names are checked before expect lines, but the expects come first.
  std::string deck;
  for (int i = 0; i < 150; ++i) deck += "expect nope == 1\n";
  deck += "stack A:\n";
  for (int i = 0; i < 150; ++i) deck += "  notify Nobody\n";
  const LoadResult result = Load(deck);
  ASSERT_EQ(result.errors.size(), kMaxDiagnostics + 1);
  EXPECT_EQ(result.errors[0].line, 1);
  EXPECT_EQ(result.errors[99].line, 100);
  EXPECT_EQ(result.errors[100].line, 101);
  EXPECT_THAT(result.errors[100].message, HasSubstr("too many errors"));
}

TEST(RobustnessTest, ALargeDeckLoadsQuickly) {
  // 200,000 cards; a quadratic step would time the test out.
  std::string deck = "shared s\n";
  for (int stack = 0; stack < 100; ++stack) {
    const std::string name = "S" + std::to_string(stack);
    deck += "stack " + name + " on N:\n";
    for (int i = 0; i < 1000; ++i) {
      deck += "    read s -> r" + std::to_string(i % 50) + "\n    add r" + std::to_string(i % 50) +
              " 1  # bump\n";
    }
  }
  const LoadResult result = Load(deck);
  ASSERT_TRUE(result.program.has_value()) << FormatDiagnostics(result.errors);
  EXPECT_EQ(result.program->stacks.size(), 100u);
  EXPECT_EQ(result.program->Code(99).size(), 2000u);
  EXPECT_EQ(result.program->outcome.size(), 1u + 100u * 50u);
}

TEST(RobustnessTest, NulBytesAndLongLinesAreErrors) {
  EXPECT_THAT(Errors(std::string("stack A:\n    set a 1\0\n", 22)),
              ElementsAre("2:12: unexpected control byte 0x00"));
  EXPECT_THAT(Errors("stack A:\n    set a 1 " + std::string(100000, ' ') + "x\n"),
              ElementsAre(HasSubstr("2:100013: too many operands for 'set'")));
}

}  // namespace
}  // namespace cardflow::testing
