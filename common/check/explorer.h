// Explorer: every schedule of a deck, without running it — the search behind
// `cardflow-coordinator check` (DECK.md, "`check`: every schedule").
//
// A depth-first search over the deck's states (StepMachine), with
//   - partial-order reduction: from each state it follows only a persistent
//     (stubborn) set of steps, computed from which steps can depend on which
//     (docs/check.md has the table). Persistent sets preserve every terminal
//     state of the full graph (A. Valmari, "Stubborn sets for reduced state
//     space generation", 1990; P. Godefroid, "Partial-Order Methods for the
//     Verification of Concurrent Systems", LNCS 1032, 1996, ch. 4), so the
//     set of outcomes is exactly the plain search's;
//   - a visited-state set of 64-bit state fingerprints (hash compaction, as
//     TLC stores its states): 16 bytes a slot, under 50 bytes a state. Two
//     different states share a fingerprint with probability about
//     n^2 / 2^65 for n states (3e-8 at a million);
//   - path counting over the (acyclic) state graph, so `executions` — the
//     complete schedules the search kept after pruning — costs nothing
//     extra, and the plain search's count is the number of all schedules.
//
// Witnesses: a terminal state fixes how many stack steps and callbacks
// consumed every path to it has, so any path the search finds to it is as
// short as any, once arrivals whose callback is never taken are dropped;
// among the terminal states of one outcome the shortest witness wins, then
// the one with fewest switches between stacks, then the first found; last,
// a greedy reordering of its independent steps may take switches away
// (fewest among what the search saw, not proven fewest of all schedules).
//
// Thread-safety: Explore is a pure function of its arguments; run several
// at once on different threads if you like.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/deck/program.h"
#include "common/schedule/step.h"

namespace cardflow {

struct CheckOptions {
  Ordering ordering = Ordering::kCallbacks;
  // Stop after this many distinct states (0: no bound); the result is then
  // not complete. Memory stays within about 50 bytes a state plus the deck.
  uint64_t max_states = 0;
  // false: the plain search (every enabled step from every state), the
  // oracle that tests compare the reduced one with.
  bool reduction = true;
};

struct CheckOutcome {
  std::vector<int64_t> values;  // one per Program::outcome term
  // Every reachable terminal state with these values meets every expect.
  bool expect = true;
  Schedule schedule;             // a shortest schedule that ends in it
  bool order_violation = false;  // that schedule has an await miss its callback
};

struct CheckError {
  std::string message;  // as a run reports it: "stack B, card 3 `div b 0` (line 12): ..."
  Schedule schedule;    // a schedule that ends in it
};

enum class ExpectVerdict { kAlways, kSometimes, kNever };
const char* ExpectVerdictName(ExpectVerdict verdict);  // "always" / "sometimes" / "never"

struct CheckResult {
  bool complete = true;
  uint64_t states = 0;                 // distinct states visited
  uint64_t executions = 0;             // complete schedules kept (saturates at 2^64 - 1)
  std::vector<CheckOutcome> outcomes;  // every reachable outcome, by values ascending
  std::vector<CheckError> errors;      // every distinct run error, by message
  ExpectVerdict expect = ExpectVerdict::kAlways;
  bool order_violation = false;  // some schedule has an await miss its callback
  double seconds = 0;            // wall time of the search
  uint64_t cache_bytes = 0;      // memory of the visited-state set
};

// Explores every schedule of `program` (a checked deck; with
// Ordering::kCallbacks its static checks rule out deadlock).
CheckResult Explore(const Program& program, const CheckOptions& options);

// How many times consecutive stack steps of `schedule` belong to different
// stacks (arrivals are not counted).
uint32_t CountSwitches(const Schedule& schedule);

}  // namespace cardflow
