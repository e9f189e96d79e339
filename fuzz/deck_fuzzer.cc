// libFuzzer target: LoadDeck (lexer, parser, checker, compiler) on arbitrary
// text, in both ordering modes. Bad text must come back as diagnostics,
// never a crash, a hang or undefined behaviour; and the result must keep
// LoadResult's contract (a Program exactly when there are no errors, every
// diagnostic placed in the file).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "common/deck/load.h"

namespace {

void Require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "deck_fuzzer: broken invariant: %s\n", what);
  std::abort();
}

void Load(std::string_view text, cardflow::Ordering ordering) {
  const cardflow::LoadResult result = cardflow::LoadDeck(text, "fuzz.deck", ordering);
  Require(result.program.has_value() == result.errors.empty(),
          "a Program comes back exactly when there are no errors");
  for (const cardflow::Diagnostic& d : result.errors) {
    Require(d.line >= 0 && d.column >= 0, "a diagnostic's position is not negative");
    Require(!d.message.empty(), "a diagnostic says what is wrong");
    (void)d.ToString();
  }
  if (!result.program) return;
  const cardflow::Program& program = *result.program;
  for (const cardflow::Channel& channel : program.channels) {
    Require(channel.from < program.stacks.size() && channel.to < program.stacks.size(),
            "every channel joins two of the deck's stacks");
  }
  for (cardflow::StackId s = 0; s < program.stacks.size(); ++s) {
    const cardflow::StackProgram& stack = program.stacks[s];
    Require(stack.code_begin + uint64_t{stack.code_size} <= program.code.size(),
            "a stack's cards are among the deck's");
    for (const cardflow::Instr& instr : program.Code(s)) {
      if (instr.op == cardflow::Op::kNotify || instr.op == cardflow::Op::kAwait) {
        Require(instr.channel < program.channels.size(), "notify/await name a channel");
        Require(program.Peer(instr) < program.stacks.size(), "notify/await name a stack");
      }
      if (instr.op == cardflow::Op::kRead || instr.op == cardflow::Op::kWrite) {
        Require(instr.var < program.shared.size(), "read/write name a shared variable");
      }
      Require(instr.iteration < program.iterations.size(), "a card's repeat iteration exists");
      if (instr.has_reg) Require(instr.reg < stack.registers, "a register of the stack");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Load(text, cardflow::Ordering::kCallbacks);
  Load(text, cardflow::Ordering::kNone);
  return 0;
}
