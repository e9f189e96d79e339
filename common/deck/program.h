// Program: a checked deck compiled for running. Names are resolved to dense
// indices so the engine never looks anything up by string on its hot path.
// It is plain data, built once by CompileDeck() and shared read-only by every
// run, every engine and every node.
//
// Memory (a deck of 100,000 stacks is a few tens of MB): the card texts are
// views into the deck's text, which the Program holds once (Program::source)
// and its copies share; every vector is reserved to size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cardflow {

using StackId = uint32_t;    // index into Program::stacks
using VarId = uint32_t;      // index into Program::shared
using RegId = uint32_t;      // index into StackProgram::registers
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

// V in DECK.md: an integer literal or a register of the same stack.
// Fields ordered to pack: Instr is the unit of every stack's code.
struct Operand {
  int64_t literal = 0;
  RegId reg = 0;
  bool is_register = false;
};

struct Instr {
  Op op = Op::kSet;
  bool has_reg = false;   // `reg` is set: set..mod, read, and await with `-> R`
  RegId reg = 0;          // destination: set..mod, read, await
  Operand value;          // set..mod, write, notify, print; N of work/sleep
  VarId var = 0;          // read, write
  StackId peer = 0;       // notify: the receiver; await: the sender
  ChannelId channel = 0;  // notify/await: the sender->receiver channel
  int line = 0;           // 1-based source position of the card
  int column = 0;
  uint32_t iteration = 0;  // index into Program::iterations; 0: in no `repeat`
};

struct StackProgram {
  std::string name;
  std::string node_hint;               // `on NODE`, empty when absent
  std::vector<std::string> registers;  // in order of first appearance
  std::vector<Instr> code;
  // Source text of each card, trimmed, comment removed: views into
  // Program::source (or into storage that outlives the Program).
  std::vector<std::string_view> card_text;
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
  // The deck's text, which StackProgram::card_text points into; shared by
  // the Program's copies (and by whoever loaded it: LoadDeck). Null for a
  // Program whose texts live elsewhere.
  std::shared_ptr<const std::string> source;
  std::vector<SharedVar> shared;
  std::vector<StackProgram> stacks;
  std::vector<Channel> channels;
  std::vector<TermRef> outcome;  // explicit `outcome` line, or the default
  std::vector<Expectation> expects;
  // Instr::iteration indexes it; entry 0 stands for "in no repeat".
  std::vector<RepeatIteration> iterations = {RepeatIteration{}};
};

// Where card `pc` of `stack` came from, for run errors: "line 12", or
// "line 12, iteration 3" for a card in a `repeat` ("2.3" when nested, the
// outer repeat's iteration first).
std::string CardPlace(const Program& program, StackId stack, uint32_t pc);

}  // namespace cardflow
