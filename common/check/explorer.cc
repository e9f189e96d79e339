#include "common/check/explorer.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <optional>

#include "common/check/fingerprint_set.h"
#include "common/report/outcome.h"
#include "common/schedule/step_machine.h"

namespace cardflow {

const char* ExpectVerdictName(ExpectVerdict verdict) {
  switch (verdict) {
    case ExpectVerdict::kAlways:
      return "always";
    case ExpectVerdict::kSometimes:
      return "sometimes";
    case ExpectVerdict::kNever:
      return "never";
  }
  return "?";
}

uint32_t CountSwitches(const Schedule& schedule) {
  uint32_t switches = 0;
  std::optional<uint32_t> last;
  for (const Step& step : schedule) {
    if (step.is_arrival()) continue;
    if (last && *last != step.id) ++switches;
    last = step.id;
  }
  return switches;
}

namespace {

constexpr int64_t kNever = -1;
constexpr uint32_t kMaxSeeds = 16;

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

// Who may touch what from here on: the static half of the dependence
// relation (docs/check.md), as "the last step of stack S that reads /
// writes V", "the last step of the sender that notifies on C", ...
struct Footprints {
  struct Access {
    StackId stack = 0;
    int64_t last_read = kNever;  // step index
    int64_t last_write = kNever;
  };
  std::vector<std::vector<Access>> by_var;  // per VarId
  std::vector<int64_t> last_notify;         // per ChannelId: the sender's step
  std::vector<int64_t> last_await;          // per ChannelId: the receiver's step

  Footprints(const Program& program, const StepPlan& plan)
      : by_var(program.shared.size()),
        last_notify(program.channels.size(), kNever),
        last_await(program.channels.size(), kNever) {
    for (StackId s = 0; s < program.stacks.size(); ++s) {
      const auto code = program.Code(s);
      for (uint32_t k = 0; k < plan.Steps(s); ++k) {
        const uint32_t pc = plan.VisiblePc(s, k);
        if (pc == code.size()) continue;
        const Instr& card = code[pc];
        switch (card.op) {
          case Op::kRead:
          case Op::kWrite: {
            auto& list = by_var[card.var];
            if (list.empty() || list.back().stack != s) list.push_back(Access{s});
            (card.op == Op::kRead ? list.back().last_read : list.back().last_write) = k;
            break;
          }
          case Op::kNotify:
            last_notify[card.channel] = k;
            break;
          case Op::kAwait:
            last_await[card.channel] = k;
            break;
          default:
            break;
        }
      }
    }
  }
};

class Search {
 public:
  Search(const Program& program, const CheckOptions& options)
      : program_(program),
        options_(options),
        plan_(program),
        machine_(program, plan_, options.ordering),
        replay_(program, plan_, options.ordering),
        footprints_(program, plan_),
        stacks_(static_cast<uint32_t>(program.stacks.size())),
        actors_(stacks_ + static_cast<uint32_t>(program.channels.size())),
        mark_(actors_, 0),
        arrived_(program.channels.size(), 0) {
    for (StackId s = 0; s < stacks_; ++s) stack_steps_ += plan_.Steps(s);
  }

  CheckResult Run() {
    const auto start = std::chrono::steady_clock::now();
    CheckResult result;
    result.executions = Dfs();
    result.complete = complete_;
    result.states = states_;
    result.cache_bytes = visited_.bytes();
    for (auto& [values, found] : outcomes_) {
      result.outcomes.push_back(CheckOutcome{
          values, found.expect, FewerSwitches(std::move(found.witness.steps)), found.violation});
    }
    for (auto& [message, witness] : errors_) {
      result.errors.push_back(CheckError{message, FewerSwitches(std::move(witness.steps))});
    }
    const size_t met = std::count_if(result.outcomes.begin(), result.outcomes.end(),
                                     [](const CheckOutcome& o) { return o.expect; });
    if (program_.expects.empty() || (met == result.outcomes.size() && !result.outcomes.empty())) {
      result.expect = ExpectVerdict::kAlways;
    } else {
      result.expect = met == 0 ? ExpectVerdict::kNever : ExpectVerdict::kSometimes;
    }
    result.order_violation = order_violation_;
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  }

 private:
  struct Witness {
    Schedule steps;
    size_t length = std::numeric_limits<size_t>::max();
    uint32_t switches = 0;
    bool Better(const Witness& other) const {
      return length != other.length ? length < other.length : switches < other.switches;
    }
  };
  struct FoundOutcome {
    bool expect = true;
    bool violation = false;
    Witness witness;
  };
  struct Frame {
    uint64_t fingerprint = 0;
    uint64_t paths = 0;
    uint32_t begin = 0, end = 0, next = 0;
  };

  // The steps to follow from the current state, appended to steps_.
  void Expand() {
    if (!options_.reduction) {
      for (uint32_t a = 0; a < actors_; ++a) {
        if (EnabledActor(a)) steps_.push_back(StepOf(a));
      }
      return;
    }
    // The smallest persistent set that one enabled step seeds (trying at
    // most kMaxSeeds seeds: each closure costs up to O(actors), and any
    // seed's closure is persistent).
    uint32_t best_seed = actors_;
    uint32_t best_size = std::numeric_limits<uint32_t>::max();
    uint32_t tried = 0;
    for (uint32_t a = 0; a < actors_ && best_size > 1 && tried < kMaxSeeds; ++a) {
      if (!EnabledActor(a)) continue;
      ++tried;
      const uint32_t size = Closure(a);
      if (size < best_size) {
        best_size = size;
        best_seed = a;
      }
    }
    if (best_seed == actors_) return;
    Closure(best_seed);
    for (uint32_t a = 0; a < actors_; ++a) {
      if (mark_[a] == epoch_ && EnabledActor(a)) steps_.push_back(StepOf(a));
    }
  }

  Step StepOf(uint32_t actor) const {
    return actor < stacks_ ? Step::OfStack(actor) : Step::Arrival(actor - stacks_);
  }
  bool EnabledActor(uint32_t actor) const { return machine_.Enabled(StepOf(actor)); }

  // Marks (with a new epoch) the actors a persistent set seeded by `seed`
  // must hold; returns how many of them are enabled.
  uint32_t Closure(uint32_t seed) {
    ++epoch_;
    work_.clear();
    const auto add = [this](uint32_t actor) {
      if (mark_[actor] != epoch_) {
        mark_[actor] = epoch_;
        work_.push_back(actor);
      }
    };
    const auto live_until = [this](StackId stack, int64_t last) {
      return machine_.Live(stack) && last >= static_cast<int64_t>(machine_.StepOf(stack));
    };
    add(seed);
    uint32_t enabled = 0;
    while (!work_.empty()) {
      const uint32_t actor = work_.back();
      work_.pop_back();
      const bool is_enabled = EnabledActor(actor);
      enabled += is_enabled ? 1 : 0;
      if (actor >= stacks_) {
        const ChannelId c = actor - stacks_;
        const Channel& ends = program_.channels[c];
        if (is_enabled) {
          // Dependent with the receiver's awaits on c.
          if (live_until(ends.to, footprints_.last_await[c])) add(ends.to);
        } else if (live_until(ends.from, footprints_.last_notify[c])) {
          add(ends.from);  // only the sender's notify can enable it
        }
        continue;
      }
      const StackId s = actor;
      const Instr* card = machine_.NextCard(s);
      if (card == nullptr) continue;  // an end step commutes with everything
      if (!is_enabled) {
        add(stacks_ + card->channel);  // a blocked await waits for its arrival
        continue;
      }
      switch (card->op) {
        case Op::kRead:
        case Op::kWrite:
          for (const Footprints::Access& access : footprints_.by_var[card->var]) {
            if (access.stack == s) continue;
            const int64_t last = card->op == Op::kRead
                                     ? access.last_write
                                     : std::max(access.last_read, access.last_write);
            if (live_until(access.stack, last)) add(access.stack);
          }
          break;
        case Op::kAwait:
          // With callbacks in the inbox the await takes the oldest and an
          // arrival appends: they commute. On an empty inbox (`none` mode)
          // an arrival changes what the await finds.
          if (machine_.InboxEmpty(card->channel)) add(stacks_ + card->channel);
          break;
        default:
          break;  // notify and print commute with every other actor's steps
      }
    }
    return enabled;
  }

  // Depth-first search from the initial state; returns its path count.
  uint64_t Dfs() {
    if (const std::optional<uint64_t> leaf = Enter()) return *leaf;
    uint64_t total = 0;
    // A search stopped by the budget counts the schedules finished so far.
    const auto partial = [this] {
      uint64_t sum = 0;
      for (const Frame& frame : frames_) sum = SaturatingAdd(sum, frame.paths);
      return sum;
    };
    while (!frames_.empty()) {
      Frame& top = frames_.back();
      if (top.next == top.end) {
        const uint64_t paths = top.paths;
        visited_.Insert(top.fingerprint, paths);
        steps_.resize(top.begin);
        frames_.pop_back();
        if (frames_.empty()) {
          total = paths;
          break;
        }
        machine_.Undo();
        path_.pop_back();
        frames_.back().paths = SaturatingAdd(frames_.back().paths, paths);
        continue;
      }
      const Step step = steps_[top.next++];
      machine_.Apply(step);
      path_.push_back(step);
      uint64_t paths = 0;
      if (const uint64_t* known = visited_.Find(machine_.fingerprint())) {
        paths = *known;
      } else if (const std::optional<uint64_t> leaf = Enter()) {
        paths = *leaf;
      } else {
        continue;  // a new frame is on top
      }
      machine_.Undo();
      path_.pop_back();
      frames_.back().paths = SaturatingAdd(frames_.back().paths, paths);
      if (!complete_) return partial();
    }
    return total;
  }

  // A state not seen before: counts it, and either pushes its frame
  // (nullopt) or, for a terminal state (or the end of the budget), records
  // it and returns its path count.
  std::optional<uint64_t> Enter() {
    if (options_.max_states != 0 && states_ >= options_.max_states) {
      complete_ = false;
      return 0;
    }
    ++states_;
    const uint32_t begin = static_cast<uint32_t>(steps_.size());
    Expand();
    if (steps_.size() == begin) {
      Terminal();
      visited_.Insert(machine_.fingerprint(), 1);
      return 1;
    }
    frames_.push_back(
        Frame{machine_.fingerprint(), 0, begin, static_cast<uint32_t>(steps_.size()), begin});
    return std::nullopt;
  }

  void Terminal() {
    if (machine_.OrderViolation()) order_violation_ = true;
    if (machine_.AnyFailed()) {
      for (StackId s = 0; s < stacks_; ++s) {
        if (!machine_.Failed(s)) continue;
        const std::string message =
            RunErrorMessage(program_, s, machine_.FailurePc(s), machine_.FailureOf(s));
        Offer(errors_[message], s);
      }
      return;
    }
    for (StackId s = 0; s < stacks_; ++s) {
      if (machine_.Ended(s)) continue;
      const std::string message =
          DeadlockMessage(program_, s, plan_.VisiblePc(s, machine_.StepOf(s)));
      Offer(errors_[message], std::nullopt);
      return;
    }
    FinalState state;
    state.shared = machine_.table();
    for (StackId s = 0; s < stacks_; ++s) state.registers.push_back(machine_.RegistersOf(s));
    const std::vector<int64_t> values = OutcomeValues(program_, state);
    auto [it, fresh] = outcomes_.try_emplace(values);
    FoundOutcome& found = it->second;
    found.expect = found.expect && ExpectationsHold(program_, state);
    if (Offer(found.witness, std::nullopt)) found.violation = machine_.OrderViolation();
  }

  // Makes the current path a witness (ending in `failed`'s run error, if
  // given) and keeps it if it beats `best`; returns whether it did.
  bool Offer(Witness& best, std::optional<StackId> failed) {
    Witness candidate;
    if (!failed) {
      // Every stack ended: the witness is the path without the arrivals
      // whose callback nobody took, and its length is known up front.
      size_t length = stack_steps_;
      for (ChannelId c = 0; c < program_.channels.size(); ++c) length += machine_.Consumed(c);
      if (length > best.length) return false;
      candidate.steps.reserve(length);
      std::fill(arrived_.begin(), arrived_.end(), 0);
      for (const Step step : path_) {
        if (step.is_arrival() && ++arrived_[step.id] > machine_.Consumed(step.id)) continue;
        candidate.steps.push_back(step);
      }
    } else {
      candidate.steps = Normalize(failed);
    }
    candidate.length = candidate.steps.size();
    if (candidate.length > best.length) return false;
    candidate.switches = CountSwitches(candidate.steps);
    if (!candidate.Better(best)) return false;
    best = std::move(candidate);
    return true;
  }

  // The current path as a run takes it: arrivals whose callback is never
  // taken dropped, and for a run error, the path up to the failing step
  // without the failing steps of other stacks.
  Schedule Normalize(std::optional<StackId> failed) {
    size_t end = path_.size();
    if (failed) {
      for (size_t i = path_.size(); i-- > 0;) {
        if (!path_[i].is_arrival() && path_[i].id == *failed) {
          end = i + 1;
          break;
        }
      }
    }
    // How many callbacks each channel's receiver took within [0, end), and
    // what each step touched.
    replay_.Reset();
    std::vector<uint32_t> taken(program_.channels.size(), 0);
    std::vector<bool> keep(end, true);
    std::vector<Footprint> touched(end);
    for (size_t i = 0; i < end; ++i) {
      const Step step = path_[i];
      if (!step.is_arrival() && step.id != failed.value_or(stacks_) && machine_.Failed(step.id) &&
          i == LastStepOf(step.id)) {
        // Another stack's failing step: leave it out.
        keep[i] = false;
        continue;
      }
      const StepEffect effect = replay_.Apply(step);
      touched[i] = Footprint{step, effect.op, effect.channel, VarOf(step, effect)};
      if (effect.op == Op::kAwait && effect.consumed) {
        taken[effect.channel] = static_cast<uint32_t>(effect.seq);
      }
    }
    if (failed) {
      // A run error needs only the steps it causally depends on: drop every
      // step the failing one does not (transitively) depend on.
      std::vector<size_t> needed = {end - 1};
      for (size_t i = end - 1; i-- > 0;) {
        if (!keep[i]) continue;
        keep[i] = std::any_of(needed.begin(), needed.end(),
                              [&](size_t k) { return Dependent(touched[i], touched[k]); });
        if (keep[i]) needed.push_back(i);
      }
    }
    std::vector<uint32_t> arrived(program_.channels.size(), 0);
    Schedule out;
    out.reserve(stack_steps_);
    for (size_t i = 0; i < end; ++i) {
      if (!keep[i]) continue;
      const Step step = path_[i];
      if (step.is_arrival() && ++arrived[step.id] > taken[step.id]) continue;
      out.push_back(step);
    }
    return out;
  }

  // The same steps in an equivalent order (every pair of dependent steps
  // kept in order, so the run ends in the same state) with fewer switches
  // between stacks, when a greedy list scheduling finds one: keep running
  // the current stack while its next step is ready, let arrivals in as soon
  // as they are ready, else switch to the ready step that came first.
  Schedule FewerSwitches(Schedule schedule) {
    const size_t n = schedule.size();
    replay_.Reset();
    std::vector<Footprint> touched(n);
    for (size_t i = 0; i < n; ++i) {
      const StepEffect effect = replay_.Apply(schedule[i]);
      touched[i] = Footprint{schedule[i], effect.op, effect.channel, VarOf(schedule[i], effect)};
    }
    std::vector<uint32_t> waiting(n, 0);  // dependent earlier steps not yet placed
    std::vector<std::vector<uint32_t>> after(n);
    for (size_t j = 0; j < n; ++j) {
      for (size_t i = 0; i < j; ++i) {
        if (Dependent(touched[i], touched[j])) {
          after[i].push_back(static_cast<uint32_t>(j));
          ++waiting[j];
        }
      }
    }
    std::vector<bool> placed(n, false);
    Schedule out;
    out.reserve(n);
    std::optional<uint32_t> current;
    const auto place = [&](size_t i) {
      placed[i] = true;
      out.push_back(schedule[i]);
      for (uint32_t j : after[i]) --waiting[j];
      if (!schedule[i].is_arrival()) current = schedule[i].id;
    };
    while (out.size() < n) {
      std::optional<size_t> pick;
      for (size_t i = 0; i < n && !pick; ++i) {
        if (!placed[i] && waiting[i] == 0 && schedule[i].is_arrival()) pick = i;
      }
      for (size_t i = 0; i < n && !pick && current; ++i) {
        if (!placed[i] && waiting[i] == 0 && !schedule[i].is_arrival() &&
            schedule[i].id == *current) {
          pick = i;
        }
      }
      for (size_t i = 0; i < n && !pick; ++i) {
        if (!placed[i] && waiting[i] == 0) pick = i;
      }
      place(*pick);
    }
    return CountSwitches(out) < CountSwitches(schedule) ? out : schedule;
  }

  // What one step of a path touched, for the dependence of two steps.
  struct Footprint {
    Step step;
    Op op = Op::kSet;  // the visible card's op; kSet for arrivals, end steps, failures
    ChannelId channel = 0;
    std::optional<VarId> var;
  };

  std::optional<VarId> VarOf(Step step, const StepEffect& effect) const {
    if (step.is_arrival() || (effect.op != Op::kRead && effect.op != Op::kWrite)) {
      return std::nullopt;
    }
    return program_.Code(step.id)[plan_.VisiblePc(step.id, replay_.StepOf(step.id) - 1)].var;
  }

  // The dependence of docs/check.md, on two steps of one path.
  static bool Dependent(const Footprint& a, const Footprint& b) {
    const bool a_arrives = a.step.is_arrival(), b_arrives = b.step.is_arrival();
    if (a_arrives && b_arrives) return a.step.id == b.step.id;
    if (!a_arrives && !b_arrives) {
      if (a.step.id == b.step.id) return true;
      return a.var && b.var && *a.var == *b.var && (a.op == Op::kWrite || b.op == Op::kWrite);
    }
    const Footprint& arrival = a_arrives ? a : b;
    const Footprint& card = a_arrives ? b : a;
    return (card.op == Op::kNotify || card.op == Op::kAwait) && card.channel == arrival.step.id;
  }

  // The index of the last step of `stack` on the current path.
  size_t LastStepOf(StackId stack) const {
    for (size_t i = path_.size(); i-- > 0;) {
      if (!path_[i].is_arrival() && path_[i].id == stack) return i;
    }
    return path_.size();
  }

  const Program& program_;
  const CheckOptions options_;
  const StepPlan plan_;
  StepMachine machine_;
  StepMachine replay_;  // for witnesses
  const Footprints footprints_;
  const uint32_t stacks_;
  const uint32_t actors_;  // stacks, then channels (their arrivals)
  size_t stack_steps_ = 0;

  std::vector<uint32_t> mark_;
  std::vector<uint32_t> arrived_;  // per channel, for Offer
  uint32_t epoch_ = 0;
  std::vector<uint32_t> work_;

  FingerprintSet visited_;
  std::vector<Frame> frames_;
  std::vector<Step> steps_;  // the steps each frame still has to follow
  Schedule path_;
  uint64_t states_ = 0;
  bool complete_ = true;
  bool order_violation_ = false;
  std::map<std::vector<int64_t>, FoundOutcome> outcomes_;
  std::map<std::string, Witness> errors_;
};

}  // namespace

CheckResult Explore(const Program& program, const CheckOptions& options) {
  return Search(program, options).Run();
}

}  // namespace cardflow
