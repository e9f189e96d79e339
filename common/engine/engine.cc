#include "common/engine/engine.h"

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <mutex>

#include "common/deck/arithmetic.h"

namespace cardflow {

// Kept small and in one array: a node may hold 100,000 suspended stacks.
struct Engine::Stack {
  uint32_t pc = 0;
  StackId id = 0;
  std::vector<int64_t> registers;
  std::unique_ptr<asio::steady_timer> timer;  // made by the first sleep; timers_mutex_
};

void Continuation::Resume(std::optional<int64_t> value) const { engine_->OnResume(stack_, value); }

namespace {

// Burns `us` microseconds of CPU on the calling thread.
void BurnCpu(int64_t us) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
  volatile uint64_t sink = 0;
  while (std::chrono::steady_clock::now() < until) {
    for (int i = 0; i < 64; ++i) sink = sink + i;
  }
}

template <typename PoolExecutor>
std::optional<PoolExecutor> PoolOf(const asio::any_io_executor& executor) {
  const auto* pool = executor.target<asio::thread_pool::executor_type>();
  if (pool == nullptr) return std::nullopt;
  return asio::require(*pool, asio::execution::blocking.never,
                       asio::execution::relationship.continuation);
}

}  // namespace

Engine::Engine(const Program& program, std::vector<StackId> mine, Effects& effects,
               asio::any_io_executor executor)
    : program_(program),
      effects_(effects),
      executor_(std::move(executor)),
      pool_(PoolOf<PoolExecutor>(executor_)),
      mine_(std::move(mine)) {
  if (mine_.empty()) {
    for (StackId id = 0; id < program_.stacks.size(); ++id) mine_.push_back(id);
  }
  slot_.assign(program_.stacks.size(), kNotMine);
  stacks_.resize(mine_.size());
  for (uint32_t i = 0; i < mine_.size(); ++i) {
    const StackId id = mine_[i];
    Stack& stack = stacks_[i];
    stack.id = id;
    stack.registers.assign(program_.stacks[id].registers, 0);
    slot_[id] = i;
  }
  unfinished_ = static_cast<uint32_t>(mine_.size());
}

Engine::~Engine() = default;

void Engine::Start(std::function<void()> on_idle) {
  on_idle_ = std::move(on_idle);
  Acquire();  // held by Start itself, so no stack can make the engine idle early
  for (Stack& stack : stacks_) {
    Acquire();
    Post(stack);
  }
  if (mine_.empty() && !released_running_.exchange(true)) Release();
  Release();
}

void Engine::Cancel() {
  Acquire();
  cancelled_.store(true);
  {
    std::lock_guard lock(timers_mutex_);
    for (Stack& stack : stacks_) {
      if (stack.timer) stack.timer->cancel();
    }
  }
  if (!released_running_.exchange(true)) Release();
  Release();
}

const std::vector<int64_t>& Engine::Registers(StackId stack) const {
  return stacks_[slot_[stack]].registers;
}

Engine::Stack& Engine::StackOf(StackId id) { return stacks_[slot_[id]]; }

void Engine::Release() {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    auto on_idle = std::move(on_idle_);
    if (on_idle) on_idle();  // may destroy *this: touch nothing after
  }
}

void Engine::Post(Stack& stack) {
  const auto run = [this, &stack] { RunCard(stack); };
  if (pool_) {
    asio::execution::execute(*pool_, run);
  } else {
    asio::post(executor_, run);
  }
}

void Engine::OnResume(StackId id, std::optional<int64_t> value) {
  Acquire();
  if (cancelled_.load(std::memory_order_relaxed)) {
    Release();
    return;
  }
  Stack& stack = StackOf(id);
  const Instr& instr = program_.Code(stack.id)[stack.pc];
  if (value && (instr.op == Op::kRead || (instr.op == Op::kAwait && instr.has_reg))) {
    stack.registers[instr.reg] = *value;
  }
  ++stack.pc;
  Post(stack);
}

// Runs the card at stack.pc. The caller's ref is handed on to the next
// handler (local cards, sleep) or released once Effects holds the stack.
void Engine::RunCard(Stack& stack) {
  if (cancelled_.load(std::memory_order_relaxed)) return Release();
  const std::span<const Instr> code = program_.Code(stack.id);
  if (stack.pc == code.size()) return Finish(stack);
  const Instr& instr = code[stack.pc];
  const Operand value = instr.value();
  const int64_t v = value.is_register ? stack.registers[value.reg] : value.literal;
  const Continuation k(this, stack.id);
  switch (instr.op) {
    case Op::kSet:
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kMod:
      if (const char* error = Arithmetic(instr.op, stack.registers[instr.reg], v)) {
        effects_.Failed(stack.id, stack.pc, error);
        if (unfinished_.fetch_sub(1) == 1 && !released_running_.exchange(true)) Release();
        return Release();
      }
      break;
    case Op::kWork:
      BurnCpu(v);
      break;
    case Op::kSleep:
      return Sleep(stack, v);
    case Op::kRead:
      effects_.Read(k, stack.pc, instr.var);
      return Release();
    case Op::kWrite:
      effects_.Write(k, stack.pc, instr.var, v);
      return Release();
    case Op::kNotify:
      effects_.Notify(k, stack.pc, instr.channel, v);
      return Release();
    case Op::kAwait:
      effects_.Await(k, stack.pc, instr.channel);
      return Release();
    case Op::kPrint:
      effects_.Print(k, stack.pc, v);
      return Release();
  }
  ++stack.pc;
  if (stack.pc == code.size()) return Finish(stack);
  Post(stack);
}

void Engine::Sleep(Stack& stack, int64_t ms) {
  std::lock_guard lock(timers_mutex_);
  if (!stack.timer) stack.timer = std::make_unique<asio::steady_timer>(executor_);
  if (cancelled_.load()) return Release();
  stack.timer->expires_after(std::chrono::milliseconds(ms));
  stack.timer->async_wait([this, &stack](const std::error_code& ec) {
    if (ec || cancelled_.load(std::memory_order_relaxed)) return Release();
    ++stack.pc;
    RunCard(stack);
  });
}

void Engine::Finish(Stack& stack) {
  effects_.Done(stack.id);
  if (unfinished_.fetch_sub(1) == 1 && !released_running_.exchange(true)) Release();
  Release();
}

}  // namespace cardflow
