// The limits of common/deck/limits.h as a user meets them: the built binary
// refuses a deck past each one before anything runs, with exit status 2 and
// one line naming the file and the limit (README.md, "Limits").
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/deck/limits.h"
#include "tests/coordinator/subprocess.h"

namespace cardflow {
namespace {

using ::cardflow::testutil::ExampleDeck;
using ::cardflow::testutil::ProcessResult;
using ::cardflow::testutil::RunCoordinator;
using ::cardflow::testutil::TempFile;

// `run --local` and `check` load a deck the same way: both must refuse it,
// with exactly `message` on stderr and nothing on stdout.
void ExpectRefused(const std::string& deck, const std::string& message) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", deck, "--local", "--runs", "1"},
        std::vector<std::string>{"check", deck}}) {
    const ProcessResult r = RunCoordinator(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.err;
    EXPECT_EQ(r.err, message) << args[0];
    EXPECT_EQ(r.out, "") << args[0];
  }
}

TEST(LimitsCliTest, ADeckFileOverTheByteLimitIsRefusedUnparsed) {
  const TempFile deck("big.deck", "");
  // Sparse: no disk taken. It is all NUL bytes, which would be a syntax
  // error on every line if it were parsed.
  std::filesystem::resize_file(deck.path(), kMaxDeckBytes + 1);
  ExpectRefused(deck.path(),
                deck.path() +
                    ": error: the deck is larger than 134217728 bytes (128 MiB), the most a "
                    "deck may hold; split it into smaller decks\n");
}

TEST(LimitsCliTest, ADeckOfOneStackTooManyIsRefusedAtThatStack) {
  std::string text;
  text.reserve((kMaxStacks + 1) * 24);
  for (size_t i = 0; i <= kMaxStacks; ++i) text += "stack s" + std::to_string(i) + ":\n print 1\n";
  const TempFile deck("stacks.deck", text);
  const std::string last_line = std::to_string(2 * kMaxStacks + 1);
  ExpectRefused(deck.path(), deck.path() + ":" + last_line +
                                 ":7: error: stack 's1048576' is one too many: a deck holds at "
                                 "most 1048576 stacks (this one has 1048577)\n");
}

TEST(LimitsCliTest, AStackOfTooManyCardsIsRefusedEvenWithoutARepeat) {
  std::string text = "stack A:\n";
  text.reserve(text.size() + (kMaxCardsPerStack + 1) * 9);
  for (size_t i = 0; i <= kMaxCardsPerStack; ++i) text += " print 1\n";
  const TempFile deck("long.deck", text);
  ExpectRefused(deck.path(), deck.path() +
                                 ":1:7: error: stack 'A' has more than 1000000 cards; split it "
                                 "into several stacks\n");
}

// 17 stacks of 1,000,000 cards each once unrolled: the 17th passes the
// deck's limit, and it is refused before any stack is unrolled (so at
// once, without gigabytes of cards).
TEST(LimitsCliTest, ADeckOfTooManyCardsInAllIsRefusedBeforeUnrolling) {
  static_assert(kMaxDeckCards == 16'000'000, "the deck below is 17 stacks of 1,000,000 cards");
  std::string text;
  for (int i = 0; i < 17; ++i) {
    text += "stack s" + std::to_string(i) + ":\n    repeat 1000:\n        repeat 1000:\n" +
            "            print 1\n";
  }
  const TempFile deck("repeats.deck", text);
  ExpectRefused(deck.path(), deck.path() +
                                 ":65:7: error: stack 's16' takes the deck past 16000000 cards "
                                 "once repeats are unrolled, the most a deck may hold; repeat "
                                 "fewer times or split the deck\n");
}

TEST(LimitsCliTest, RunsInFlightPastTheLimitAreABadArgument) {
  const ProcessResult r = RunCoordinator({"run", ExampleDeck("transfer.deck"), "--loopback", "2",
                                          "--in-flight", std::to_string(kMaxRunsInFlight + 1)});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(
      r.err,
      "--in-flight: Value 4097 not in range 1 to 4096\nRun with --help for more information.\n");
  EXPECT_EQ(r.out, "");
}

TEST(LimitsCliTest, RunsInFlightAtTheLimitAreFine) {
  const ProcessResult r =
      RunCoordinator({"run", ExampleDeck("transfer.deck"), "--loopback", "2", "--runs", "20",
                      "--in-flight", std::to_string(kMaxRunsInFlight)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace cardflow
