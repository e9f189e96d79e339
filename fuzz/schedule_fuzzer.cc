// libFuzzer target: the schedule text parser and checker
// (common/schedule/schedule_text.h) on arbitrary text, against fixed decks.
// The first byte picks the deck and the ordering; the rest is the schedule.
// Bad text must be an InvalidArgument naming the file, never a crash or
// undefined behaviour; a schedule that parses must survive FormatSchedule
// and ParseSchedule unchanged (the text `check` prints is valid input).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "common/deck/load.h"
#include "common/schedule/schedule_text.h"

namespace {

constexpr std::array<std::string_view, 3> kDecks = {
    // transfer.deck: two stacks, one channel.
    "shared balance = 100\n"
    "stack A on X:\n    read balance -> a\n    add a 50\n    write a -> balance\n    notify B\n"
    "stack B on Y:\n    await A\n    read balance -> b\n    mul b 2\n    write b -> balance\n"
    "expect balance == 300\n",
    // ping_pong.deck: a channel each way, in a repeat.
    "shared count\n"
    "stack Ping:\n    repeat 3:\n        read count -> p\n        add p 1\n"
    "        write p -> count\n        notify Pong\n        await Pong\n"
    "stack Pong:\n    repeat 3:\n        await Ping\n        read count -> q\n        add q 1\n"
    "        write q -> count\n        notify Ping\n"
    "expect count == 6\n",
    // three stacks, no callbacks.
    "shared x\nshared y\n"
    "stack A:\n    write 1 -> x\n    read y -> r\n"
    "stack B:\n    write 1 -> y\n    read x -> r\n"
    "stack C:\n    print 7\n"
    "outcome A.r, B.r\n",
};

void Require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "schedule_fuzzer: broken invariant: %s\n", what);
  std::abort();
}

const cardflow::Program& DeckProgram(size_t index) {
  static const auto* programs = [] {
    auto* loaded = new std::array<cardflow::Program, kDecks.size()>;
    for (size_t i = 0; i < kDecks.size(); ++i) {
      cardflow::LoadResult result =
          cardflow::LoadDeck(kDecks[i], "fuzz.deck", cardflow::Ordering::kCallbacks);
      if (!result.program) {
        std::fprintf(stderr, "schedule_fuzzer: deck %zu does not load:\n%s", i,
                     cardflow::FormatDiagnostics(result.errors).c_str());
        std::abort();
      }
      (*loaded)[i] = std::move(*result.program);
    }
    return loaded;
  }();
  return (*programs)[index];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const cardflow::Program& program = DeckProgram(data[0] % kDecks.size());
  const cardflow::Ordering ordering = (data[0] / kDecks.size()) % 2 == 0
                                          ? cardflow::Ordering::kCallbacks
                                          : cardflow::Ordering::kNone;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  auto parsed = cardflow::ParseSchedule(program, text, "fuzz.schedule");
  if (!parsed.ok()) {
    Require(parsed.status().code() == cardflow::StatusCode::kInvalidArgument,
            "a schedule that does not parse is InvalidArgument");
    Require(parsed.status().message().rfind("fuzz.schedule:", 0) == 0, "the error names the file");
    return 0;
  }
  Require(parsed->steps.size() == parsed->lines.size(), "one line number per step");
  const cardflow::Status checked =
      cardflow::CheckSchedule(program, ordering, *parsed, "fuzz.schedule");
  Require(checked.ok() || checked.code() == cardflow::StatusCode::kInvalidArgument,
          "a schedule a run cannot take is InvalidArgument");

  const std::string formatted = cardflow::FormatSchedule(program, parsed->steps);
  auto again = cardflow::ParseSchedule(program, formatted, "formatted.schedule");
  Require(again.ok(), "a formatted schedule parses");
  Require(again->steps == parsed->steps, "formatting and parsing give the same steps");
  return 0;
}
