// How every cardflow program turns argv into options with CLI11.
//
// CLI11 has an exit code of its own for each kind of bad command line; the
// programs have one (2, DECK.md "Exit status"). An unexpected flag gets the
// closest flag the command knows ("The following arguments were not
// expected: --ordring none; did you mean '--ordering'?"), or the command it
// belongs to ("'--runs' is an option of `run`, not of `check`").
//
// With CARDFLOW_PARSE_ONLY=1 in the environment a command line that parses
// stops right there with exit 0: nothing is read, bound or run. The
// runnable-docs test (tests/docs/) checks the commands it cannot run (they
// need Docker, a LAN or certificates) this way.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cardflow {

// What a program does instead of going on: print `out` to stdout and `err`
// to stderr, then exit with `code`.
struct CommandLineExit {
  int code = 0;
  std::string out;
  std::string err;

  // Prints both and returns `code`, for main().
  int Print() const;
};

// Parses argv into `app`'s options. std::nullopt: go on. Otherwise the exit
// for --help or --version (0), a bad command line (2) or CARDFLOW_PARSE_ONLY
// (0). Never prints, never throws.
std::optional<CommandLineExit> ParseCommandLineOrExit(CLI::App& app, int argc,
                                                      const char* const* argv);

// A count or seed from `min` to `max`, with one message for every value
// that is not one ("-3", "lots", "0", past the top): CLI11's own checks give
// a different one each, read "-3" as 2^64 - 3 and clamp what is too big.
//   app.add_option("--seed", seed)->check(WholeNumber(0, UINT64_MAX));
CLI::Validator WholeNumber(uint64_t min, uint64_t max);

// The word of `known` closest to `word`, a subcommand or flag the user
// typed, if one is close enough (base/suggest.h; leading dashes are not
// counted). The first of equally close ones.
std::optional<std::string> ClosestWord(std::string_view word,
                                       const std::vector<std::string>& known);

}  // namespace cardflow
