#include "coordinator/cluster/run_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace cardflow {

namespace {

// A stack makes at most one request per card: (stack, card) names it.
uint64_t HistoryKey(const msg::TableRequest& request) {
  return uint64_t{request.stack} << 32 | request.pc;
}

}  // namespace

RunTable::RunTable(const Program& program) : program_(program) {
  values_.reserve(program.shared.size());
  for (const SharedVar& var : program.shared) values_.push_back(var.initial);
}

StatusOr<msg::TableReply> RunTable::Apply(const msg::TableRequest& request,
                                          const std::vector<bool>& allowed,
                                          std::vector<Event>& events) {
  if (request.op == msg::TableOp::kAwait) return Decide(request, allowed);
  if (request.op != msg::TableOp::kRead && request.op != msg::TableOp::kWrite) {
    return InvalidArgumentError(
        fmt::format("stack id {} asks the table for a step ({}), which only runs under the seeded "
                    "shuffle ask for",
                    request.stack, msg::TableOpName(request.op)));
  }
  const bool write = request.op == msg::TableOp::kWrite;
  if (request.stack >= program_.stacks.size() || !allowed[request.stack]) {
    return InvalidArgumentError(
        fmt::format("table request from stack {}, which is not on that node", request.stack));
  }
  const StackProgram& stack = program_.stacks[request.stack];
  const std::span<const Instr> code = program_.Code(request.stack);
  const Op expected = write ? Op::kWrite : Op::kRead;
  if (request.pc >= code.size() || code[request.pc].op != expected ||
      code[request.pc].var != request.var) {
    return InvalidArgumentError(fmt::format("table request from {} card {} does not match the deck",
                                            stack.name, request.pc + 1));
  }
  msg::TableReply reply{request.stack, request.pc, 0, 0};
  MutexLock lock(mutex_);
  const uint64_t key = HistoryKey(request);
  if (auto it = history_.find(key); it != history_.end()) {
    if (write && it->second.request_value != request.value) {
      return InvalidArgumentError(fmt::format(
          "stack {} replayed card {} writing {}, but wrote {} the first time: the replay diverged",
          stack.name, request.pc + 1, request.value, it->second.request_value));
    }
    return msg::TableReply{request.stack, request.pc, it->second.value, it->second.lamport};
  }
  int64_t& value = values_[request.var];
  if (write) value = request.value;
  clock_ = std::max(clock_, request.lamport) + 1;
  events.push_back(write ? Event::Write(request.stack, request.pc, request.var, value, clock_)
                         : Event::Read(request.stack, request.pc, request.var, value, clock_));
  reply.value = value;
  reply.lamport = clock_;
  history_.emplace(key, Applied{write ? request.value : 0, reply.value, reply.lamport});
  return reply;
}

StatusOr<msg::TableReply> RunTable::Decide(const msg::TableRequest& request,
                                           const std::vector<bool>& allowed) {
  if (request.stack >= program_.stacks.size() || !allowed[request.stack]) {
    return InvalidArgumentError(
        fmt::format("await decision of stack {}, which is not on that node", request.stack));
  }
  const StackProgram& stack = program_.stacks[request.stack];
  const std::span<const Instr> code = program_.Code(request.stack);
  if (request.pc >= code.size() || code[request.pc].op != Op::kAwait ||
      code[request.pc].channel != request.var || request.value < 0 || request.value > 1) {
    return InvalidArgumentError(fmt::format("await decision of {} card {} does not match the deck",
                                            stack.name, request.pc + 1));
  }
  const uint64_t key = HistoryKey(request);
  MutexLock lock(mutex_);
  auto [it, first] =
      history_.try_emplace(key, Applied{request.value, request.value, request.lamport});
  return msg::TableReply{request.stack, request.pc, it->second.value, it->second.lamport};
}

std::vector<int64_t> RunTable::values() const {
  MutexLock lock(mutex_);
  return values_;
}

}  // namespace cardflow
