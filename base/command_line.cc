#include "base/command_line.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "base/suggest.h"

namespace cardflow {
namespace {

// The app whose options the last words were parsed against: the deepest
// subcommand selected so far.
const CLI::App* Innermost(const CLI::App& app) {
  const CLI::App* current = &app;
  for (;;) {
    const std::vector<CLI::App*> selected = current->get_subcommands();
    if (selected.empty()) return current;
    current = selected.back();
  }
}

// Every long flag `app` and the apps above it take, with its dashes.
std::vector<std::string> KnownFlags(const CLI::App* app) {
  std::vector<std::string> flags;
  for (; app != nullptr; app = app->get_parent()) {
    for (const CLI::Option* option : app->get_options()) {
      for (const std::string& name : option->get_lnames()) flags.push_back("--" + name);
    }
  }
  return flags;
}

bool Contains(const std::vector<std::string>& words, const std::string& word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// The long flags on the command line (each name up to any '=') that the
// innermost command does not take, in the order typed.
std::vector<std::string> UnknownFlags(const CLI::App& app, int argc, const char* const* argv) {
  const std::vector<std::string> known = KnownFlags(Innermost(app));
  std::vector<std::string> unknown;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;  // what follows is positional
    if (arg.size() <= 2 || arg.substr(0, 2) != "--") continue;
    std::string name(arg.substr(0, arg.find('=')));
    if (!Contains(known, name)) unknown.push_back(std::move(name));
  }
  return unknown;
}

// Each unknown flag with the flag the innermost command takes that is
// closest to it (those with none close are left out).
std::vector<std::pair<std::string, std::string>> MisspelledFlags(
    const CLI::App& app, const std::vector<std::string>& unknown) {
  const std::vector<std::string> known = KnownFlags(Innermost(app));
  std::vector<std::pair<std::string, std::string>> misspelled;  // typed, meant
  for (const std::string& name : unknown) {
    if (std::optional<std::string> meant = ClosestWord(name, known)) {
      misspelled.emplace_back(name, *meant);
    }
  }
  return misspelled;
}

// Each unknown flag that a sibling command takes as typed, with that
// command's name: `check --runs 5` -> {"--runs", "run"}.
std::vector<std::pair<std::string, std::string>> OtherCommandsFlags(
    const CLI::App& app, const std::vector<std::string>& unknown) {
  const CLI::App* here = Innermost(app);
  const CLI::App* parent = here->get_parent();
  if (parent == nullptr) return {};
  std::vector<std::pair<std::string, std::string>> found;  // typed, command
  for (const std::string& name : unknown) {
    for (const CLI::App* other : parent->get_subcommands({})) {
      if (other != here && Contains(KnownFlags(other), name)) {
        found.emplace_back(name, other->get_name());
        break;
      }
    }
  }
  return found;
}

// CLI11's "...were not expected: A B" lists the words last first
// (CLI::detail::rjoin): the first line again, in the order they were typed.
std::string InTypedOrder(std::string message, const CLI::ParseError& error, const CLI::App& app) {
  if (dynamic_cast<const CLI::ExtrasError*>(&error) == nullptr) return message;
  const std::vector<std::string> extras = Innermost(app)->remaining(false);
  const size_t colon = message.find(": ");
  const size_t end = std::min(message.find('\n'), message.size());
  if (extras.size() < 2 || colon == std::string::npos || colon > end) return message;
  std::string words;
  for (const std::string& word : extras) words += (words.empty() ? "" : " ") + word;
  return message.replace(colon + 2, end - colon - 2, words);
}

// CLI11's message with the hints after its first line: on that line
// ("...not expected: --ordring none; did you mean '--ordering'?") when it
// complains of one unexpected flag, else a line each ("'--lisen': did you
// mean '--listen'?" under "--listen is required"); then a line for each
// flag another command takes ("'--runs' is an option of `run`, not of
// `check`").
std::string WithHints(std::string message, const CLI::ParseError& error,
                      const std::vector<std::pair<std::string, std::string>>& misspelled,
                      const std::vector<std::pair<std::string, std::string>>& elsewhere,
                      const std::string& command) {
  std::string hints;
  if (misspelled.size() == 1 && dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    hints = "; did you mean '" + misspelled.front().second + "'?";
  } else {
    for (const auto& [typed, meant] : misspelled) {
      hints += "\n'" + typed + "': did you mean '" + meant + "'?";
    }
  }
  for (const auto& [typed, other] : elsewhere) {
    hints += "\n'" + typed + "' is an option of `" + other + "`, not of `" + command + "`";
  }
  message.insert(std::min(message.find('\n'), message.size()), hints);
  return message;
}

}  // namespace

int CommandLineExit::Print() const {
  std::fputs(out.c_str(), stdout);
  std::fputs(err.c_str(), stderr);
  return code;
}

std::optional<std::string> ClosestWord(std::string_view word,
                                       const std::vector<std::string>& known) {
  // Dashes are what every flag shares; the distance is in the name.
  const auto bare = [](std::string_view text) {
    return text.substr(std::min(text.find_first_not_of('-'), text.size()));
  };
  Closest closest(bare(word), UserNameEdits(bare(word)));
  std::optional<std::string> best;
  for (const std::string& candidate : known) {
    if (closest.Offer(bare(candidate))) best = candidate;
  }
  return best;
}

std::optional<CommandLineExit> ParseCommandLineOrExit(CLI::App& app, int argc,
                                                      const char* const* argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::ostringstream out;
    std::ostringstream err;
    const int code = app.exit(e, out, err);
    std::string message = err.str();
    if (code != 0) {
      const std::vector<std::string> unknown = UnknownFlags(app, argc, argv);
      message =
          WithHints(InTypedOrder(std::move(message), e, app), e, MisspelledFlags(app, unknown),
                    OtherCommandsFlags(app, unknown), Innermost(app)->get_name());
    }
    // CLI11's own exit codes (105, 106, 109, ...) are all one: a bad command line.
    return CommandLineExit{code == 0 ? 0 : 2, out.str(), message};
  }
  if (const char* parse_only = std::getenv("CARDFLOW_PARSE_ONLY");
      parse_only != nullptr && std::string_view(parse_only) == "1") {
    return CommandLineExit{0, "", ""};
  }
  return std::nullopt;
}

CLI::Validator WholeNumber(uint64_t min, uint64_t max) {
  return CLI::Validator(
      [min, max](std::string& value) {
        uint64_t parsed = 0;
        const char* end = value.data() + value.size();
        const auto [stop, error] = std::from_chars(value.data(), end, parsed);
        if (value.empty() || error != std::errc() || stop != end || parsed < min || parsed > max) {
          return "must be a whole number from " + std::to_string(min) + " to " +
                 std::to_string(max);
        }
        return std::string();
      },
      "N");
}

}  // namespace cardflow
