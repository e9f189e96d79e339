#include "proto/convert.h"

#include <fmt/format.h>

namespace cardflow {

namespace {

// EventKind and wire::EventKind list the kinds in the same order; the
// static_asserts keep it so.
static_assert(static_cast<int>(EventKind::kRead) == wire::EVENT_READ);
static_assert(static_cast<int>(EventKind::kWrite) == wire::EVENT_WRITE);
static_assert(static_cast<int>(EventKind::kSend) == wire::EVENT_SEND);
static_assert(static_cast<int>(EventKind::kArrive) == wire::EVENT_ARRIVE);
static_assert(static_cast<int>(EventKind::kAwait) == wire::EVENT_AWAIT);
static_assert(static_cast<int>(EventKind::kPrint) == wire::EVENT_PRINT);

// msg::TableOp and wire::TableOp likewise.
static_assert(static_cast<int>(msg::TableOp::kRead) == wire::TABLE_READ);
static_assert(static_cast<int>(msg::TableOp::kWrite) == wire::TABLE_WRITE);
static_assert(static_cast<int>(msg::TableOp::kAwait) == wire::TABLE_AWAIT);
static_assert(static_cast<int>(msg::TableOp::kNotify) == wire::STEP_NOTIFY);
static_assert(static_cast<int>(msg::TableOp::kPrint) == wire::STEP_PRINT);
static_assert(static_cast<int>(msg::TableOp::kEnd) == wire::STEP_END);

}  // namespace

void ToWire(const Event& event, wire::Event* out) {
  out->set_kind(static_cast<wire::EventKind>(event.kind));
  out->set_stack(event.stack);
  if (IsTableEvent(event.kind)) out->set_var(event.var());
  if (IsCallbackEvent(event.kind)) out->set_channel(event.channel());
  out->set_value(event.value);
  out->set_seq(event.seq);
  out->set_lamport(event.lamport);
  out->set_pc(event.pc);
}

StatusOr<Event> FromWire(const wire::Event& event) {
  if (!wire::EventKind_IsValid(event.kind())) {
    return InvalidArgumentError(
        fmt::format("an event of stack id {} has kind {}, which this coordinator does not know",
                    event.stack(), static_cast<int>(event.kind())));
  }
  // Event keeps pc and seq narrower than the wire does: refuse what does
  // not fit rather than cut it.
  if (event.pc() > Event::kMaxPc) {
    return InvalidArgumentError(
        fmt::format("an event of stack id {} has pc {}, more than an event holds ({})",
                    event.stack(), event.pc(), Event::kMaxPc));
  }
  if (event.seq() > Event::kMaxSeq) {
    return InvalidArgumentError(
        fmt::format("an event of stack id {} has seq {}, more than an event holds ({})",
                    event.stack(), event.seq(), Event::kMaxSeq));
  }
  Event out;
  out.kind = static_cast<EventKind>(event.kind());
  out.stack = event.stack();
  if (IsTableEvent(out.kind)) out.set_var(event.var());
  if (IsCallbackEvent(out.kind)) out.set_channel(event.channel());
  out.value = event.value();
  out.seq = static_cast<uint32_t>(event.seq());
  out.lamport = event.lamport();
  out.pc = event.pc();
  return out;
}

wire::Ordering ToWire(Ordering ordering) {
  return ordering == Ordering::kNone ? wire::ORDERING_NONE : wire::ORDERING_CALLBACKS;
}

Ordering FromWire(wire::Ordering ordering) {
  return ordering == wire::ORDERING_NONE ? Ordering::kNone : Ordering::kCallbacks;
}

wire::Shuffle ToWire(Shuffle shuffle) {
  return shuffle == Shuffle::kSeeded ? wire::SHUFFLE_SEEDED : wire::SHUFFLE_NETWORK;
}

Shuffle FromWire(wire::Shuffle shuffle) {
  return shuffle == wire::SHUFFLE_SEEDED ? Shuffle::kSeeded : Shuffle::kNetwork;
}

void ToWire(const msg::TableRequest& request, wire::TableRequest* out) {
  out->set_stack(request.stack);
  out->set_pc(request.pc);
  out->set_op(static_cast<wire::TableOp>(request.op));
  out->set_var(request.var);
  out->set_value(request.value);
  out->set_lamport(request.lamport);
}

void ToWire(const msg::Arrival& arrival, wire::Arrival* out) {
  out->set_channel(arrival.channel);
  out->set_seq(arrival.seq);
}

void ToWire(const msg::RunUpdate& update, wire::RunUpdate* out) {
  if (update.ready) out->set_ready(true);
  if (update.missing_program) out->set_missing_program(true);
  for (const msg::TableRequest& request : update.table) ToWire(request, out->add_table());
  for (const msg::StackResult& result : update.results) {
    wire::StackResult* added = out->add_results();
    added->set_stack(result.stack);
    added->mutable_registers()->Add(result.registers.begin(), result.registers.end());
  }
  if (update.done) out->set_done(true);
  if (update.failure) {
    wire::StackFailure* failure = out->mutable_failure();
    failure->set_stack(update.failure->stack);
    failure->set_pc(update.failure->pc);
    failure->set_what(update.failure->what);
  }
  if (update.fault) {
    wire::NodeFault* fault = out->mutable_fault();
    fault->set_node(update.fault->node);
    fault->set_address(update.fault->address);
    fault->set_message(update.fault->message);
  }
  for (const msg::Arrival& arrival : update.arrived) ToWire(arrival, out->add_arrived());
  out->mutable_events()->Reserve(static_cast<int>(update.events.size()));
  for (const Event& event : update.events) ToWire(event, out->add_events());
}

StatusOr<msg::RunUpdate> FromWire(const wire::RunUpdate& update) {
  msg::RunUpdate out;
  out.ready = update.ready();
  out.missing_program = update.missing_program();
  out.table.reserve(update.table_size());
  for (const wire::TableRequest& request : update.table()) {
    if (!wire::TableOp_IsValid(request.op())) {
      return InvalidArgumentError(
          fmt::format("a table request of stack id {} has op {}, which this coordinator does not "
                      "know",
                      request.stack(), static_cast<int>(request.op())));
    }
    out.table.push_back(msg::TableRequest{request.stack(), request.pc(),
                                          static_cast<msg::TableOp>(request.op()), request.var(),
                                          request.value(), request.lamport()});
  }
  out.events.reserve(update.events_size());
  for (const wire::Event& event : update.events()) {
    StatusOr<Event> taken = FromWire(event);
    if (!taken.ok()) return taken.status();
    out.events.push_back(*taken);
  }
  out.results.reserve(update.results_size());
  for (const wire::StackResult& result : update.results()) {
    out.results.push_back(msg::StackResult{
        result.stack(),
        std::vector<int64_t>(result.registers().begin(), result.registers().end())});
  }
  out.done = update.done();
  if (update.has_failure()) {
    const wire::StackFailure& failure = update.failure();
    out.failure = msg::StackFailure{failure.stack(), failure.pc(), failure.what()};
  }
  if (update.has_fault()) {
    const wire::NodeFault& fault = update.fault();
    out.fault = msg::NodeFault{fault.node(), fault.address(), fault.message()};
  }
  out.arrived.reserve(update.arrived_size());
  for (const wire::Arrival& arrival : update.arrived()) {
    out.arrived.push_back(msg::Arrival{arrival.channel(), arrival.seq()});
  }
  return out;
}

void ToWire(msg::Assign&& assign, wire::Assign* out) {
  out->set_run_id(assign.run_id);
  out->set_deck_name(std::move(assign.deck_name));
  out->set_ordering(ToWire(assign.ordering));
  out->set_seed(assign.seed);
  out->set_shuffle(ToWire(assign.shuffle));
  out->set_program_key(std::move(assign.program_key));
  if (!assign.program.empty()) out->set_program(std::move(assign.program));
}

void ToWire(const msg::TableReply& reply, wire::TableReply* out) {
  out->set_stack(reply.stack);
  out->set_pc(reply.pc);
  out->set_value(reply.value);
  out->set_lamport(reply.lamport);
}

msg::TableReply FromWire(const wire::TableReply& reply) {
  return msg::TableReply{reply.stack(), reply.pc(), reply.value(), reply.lamport()};
}

void ToWire(const msg::StepGrant& grant, wire::Grant* out) {
  if (grant.take_in) {
    out->set_take_in(true);
    out->set_channel(grant.channel);
    return;
  }
  out->set_stack(grant.stack);
  out->set_pc(grant.pc);
  out->set_value(grant.value);
}

msg::StepGrant FromWire(const wire::Grant& grant) {
  return msg::StepGrant{grant.stack(), grant.pc(), grant.value(), grant.take_in(), grant.channel()};
}

void ToWire(uint64_t run_id, const msg::Callback& callback, wire::Callback* out) {
  out->set_run_id(run_id);
  out->set_channel(callback.channel);
  out->set_seq(callback.seq);
  out->set_value(callback.value);
  out->set_lamport(callback.lamport);
}

msg::Callback FromWire(const wire::Callback& callback) {
  return msg::Callback{callback.channel(), callback.seq(), callback.value(), callback.lamport()};
}

}  // namespace cardflow
