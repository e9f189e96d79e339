// Program: a checked deck compiled for running. Names are resolved to dense
// indices so the engine never looks anything up by string on its hot path.
// It is plain data, built once by CompileDeck() and shared read-only by every
// run, every engine and every node.
//
// Memory (issue 17: a deck of 100,000 stacks of 4 cards is ~29 MB): the
// cards (Instr, 32 bytes), their texts and the register names of every
// stack are in deck-wide arrays, each StackProgram (64 bytes) holding index
// ranges into them, so there is no allocation per stack; the texts are
// views into the deck's text, which the Program holds once
// (Program::source) and its copies share; every vector is reserved to
// size.
//
// Thread-safety: none inside; once built, any number of threads may read a
// Program (or its copies) concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cardflow {

using StackId = uint32_t;    // index into Program::stacks
using VarId = uint32_t;      // index into Program::shared
using RegId = uint32_t;      // a stack's register: below StackProgram::registers
using ChannelId = uint32_t;  // index into Program::channels

// How `await` behaves (DECK.md, "Ordering modes").
enum class Ordering { kCallbacks, kNone };
const char* OrderingName(Ordering ordering);  // "callbacks" / "none"

// clang-format off
enum class Op : uint8_t {
  kSet, kAdd, kSub, kMul, kDiv, kMod,  // register arithmetic (local)
  kWork, kSleep,                       // local, take time
  kRead, kWrite, kNotify, kAwait, kPrint,  // visible: go through Effects
};
// clang-format on

// The most a literal `work N` (microseconds of CPU) and `sleep N`
// (milliseconds) may ask for (DECK.md); the checker and a node's program
// check both hold them.
inline constexpr int64_t kMaxWorkMicros = 10'000'000;
inline constexpr int64_t kMaxSleepMillis = 600'000;

// True for the cards whose effect another stack or the run log can observe;
// those are the only cards a scheduler needs to order.
inline bool IsVisible(Op op) { return op >= Op::kRead; }

// V in DECK.md: an integer literal or a register of the same stack, as
// Instr::value() reads it.
struct Operand {
  int64_t literal = 0;  // 0 for a register
  RegId reg = 0;        // 0 for a literal
  bool is_register = false;
};

// One card: the unit of every stack's code, 32 bytes (fields ordered to
// pack). A notify's or await's peer is not kept: Program::Peer() reads it
// off the channel.
struct Instr {
  Op op = Op::kSet;
  bool has_reg = false;            // `reg` is set: set..mod, read, and await with `-> R`
  bool value_is_register = false;  // value(): a register, value_word its RegId
  RegId reg = 0;                   // destination: set..mod, read, await
  // V (set..mod, write, notify, print; N of work/sleep): the literal, or
  // the RegId when value_is_register. Read it through value().
  int64_t value_word = 0;
  // No card uses both: they share storage, and only the one `op` names is
  // meaningful (read the other and you get this one's id).
  union {
    VarId var = 0;      // read, write
    ChannelId channel;  // notify/await: the sender->receiver channel
  };
  int line = 0;  // 1-based source position of the card
  int column = 0;
  uint32_t iteration = 0;  // index into Program::iterations; 0: in no `repeat`

  Operand value() const {
    if (value_is_register) return Operand{0, static_cast<RegId>(value_word), true};
    return Operand{value_word, 0, false};
  }
  void set_value(const Operand& operand) {
    value_is_register = operand.is_register;
    value_word = operand.is_register ? int64_t{operand.reg} : operand.literal;
  }
};
static_assert(sizeof(Instr) == 32, "Instr is the unit of every stack's code: keep it packed");

// One stack: its name and hint, and where its cards and registers sit in
// the Program's deck-wide arrays (Program::Code() and friends read them).
// Ranges are indices, not pointers, so a Program can be copied and grown
// (ExtendNodeProgram) without fixing them up.
struct StackProgram {
  std::string name;
  std::string_view node_hint;    // `on NODE`, empty when absent; a view into Program::source
  uint32_t code_begin = 0;       // index into Program::code (and Program::card_text)
  uint32_t code_size = 0;        // cards
  uint32_t registers_begin = 0;  // index into Program::register_names (when it has them)
  uint32_t registers = 0;        // how many: RegIds are 0..registers-1
};

struct SharedVar {
  std::string name;
  int64_t initial = 0;
};

// One ordered stream of callbacks from one stack to another. Only pairs that
// some `notify` or `await` names get a channel.
struct Channel {
  StackId from = 0;
  StackId to = 0;
};

// A shared variable (`balance`) or a stack's register (`A.a`).
struct TermRef {
  enum class Kind { kShared, kRegister };
  Kind kind = Kind::kShared;
  StackId stack = 0;   // kRegister only
  uint32_t index = 0;  // VarId for kShared, RegId for kRegister
  std::string label;   // "balance" or "A.a", as reports print it
};

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

struct Expectation {
  TermRef lhs;
  CompareOp op = CompareOp::kEq;
  bool rhs_is_term = false;
  TermRef rhs_term;
  int64_t rhs_literal = 0;
  std::string text;  // e.g. "balance == 300"
  int line = 0;
};

// One iteration of one `repeat` block the card copies came from.
struct RepeatIteration {
  int line = 0;         // the `repeat` line
  uint32_t number = 1;  // 1-based
  uint32_t parent = 0;  // the enclosing repeat's iteration; 0: none
};

struct Program {
  std::string file;  // as given on the command line; reports print it
  // The deck's text, which card_text, register_names and node hints point
  // into; shared by the Program's copies (and by whoever loaded it:
  // LoadDeck). Null for a Program whose texts live elsewhere (or that has
  // none: a node's).
  std::shared_ptr<const std::string> source;
  std::vector<SharedVar> shared;
  std::vector<StackProgram> stacks;
  // Every stack's cards, stack after stack (StackProgram::code_begin).
  std::vector<Instr> code;
  // Where in `source` the text of each card is (trimmed, comment removed),
  // by index into `code`; empty when the texts are not kept (a node's
  // Program). Read it with CardText. Eight bytes a card, not a
  // string_view's sixteen: a deck of 100,000 stacks has 400,000 cards.
  struct TextSpan {
    uint32_t offset = 0;  // kMaxDeckBytes fits
    uint32_t size = 0;
  };
  std::vector<TextSpan> card_text;
  // Every stack's register names, in order of first appearance, stack after
  // stack (StackProgram::registers_begin); empty when not kept (a node's
  // Program knows only how many registers each stack has).
  std::vector<std::string_view> register_names;
  std::vector<Channel> channels;
  std::vector<TermRef> outcome;  // explicit `outcome` line, or the default
  std::vector<Expectation> expects;
  // Instr::iteration indexes it; entry 0 stands for "in no repeat".
  std::vector<RepeatIteration> iterations = {RepeatIteration{}};

  // The cards of `stack`, card `pc` at [pc].
  std::span<const Instr> Code(StackId stack) const {
    const StackProgram& s = stacks[stack];
    return std::span<const Instr>(code).subspan(s.code_begin, s.code_size);
  }
  // The text of card `pc` of `stack`; empty when the texts are not kept or
  // `pc` is past the last card.
  std::string_view CardText(StackId stack, uint32_t pc) const {
    const StackProgram& s = stacks[stack];
    if (pc >= s.code_size || card_text.empty()) return {};
    const TextSpan text = card_text[s.code_begin + pc];
    return std::string_view(*source).substr(text.offset, text.size);
  }
  // The other end of notify or await card `instr`: the receiver of a
  // notify, the sender an await waits for.
  StackId Peer(const Instr& instr) const {
    const Channel& ends = channels[instr.channel];
    return instr.op == Op::kNotify ? ends.to : ends.from;
  }
  // The register names of `stack` (RegId order); empty when not kept.
  std::span<const std::string_view> RegisterNames(StackId stack) const {
    const StackProgram& s = stacks[stack];
    if (register_names.empty()) return {};
    return std::span<const std::string_view>(register_names)
        .subspan(s.registers_begin, s.registers);
  }
};

// Where card `pc` of `stack` came from, for run errors: "line 12", or
// "line 12, iteration 3" for a card in a `repeat` ("2.3" when nested, the
// outer repeat's iteration first).
std::string CardPlace(const Program& program, StackId stack, uint32_t pc);

}  // namespace cardflow
