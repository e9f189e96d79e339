// proto/convert.h: every message of a run survives the trip to the wire and
// back (through serialized bytes, as on a stream), randomized; and what a
// wire message may carry that no domain message can is refused, exactly.
#include "proto/convert.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "proto/cardflow.pb.h"
#include "proto/program_wire.h"

namespace cardflow {
namespace {

template <typename Wire>
Wire ThroughBytes(const Wire& message) {
  std::string bytes;
  EXPECT_TRUE(message.SerializeToString(&bytes));
  Wire parsed;
  EXPECT_TRUE(parsed.ParseFromString(bytes));
  return parsed;
}

msg::RunUpdate RandomUpdate(std::mt19937_64& random) {
  auto pick = [&](uint64_t n) { return random() % n; };
  msg::RunUpdate update;
  update.ready = pick(2);
  update.missing_program = pick(2);
  update.done = pick(2);
  for (uint64_t i = pick(4); i > 0; --i) {
    update.table.push_back(
        msg::TableRequest{static_cast<StackId>(pick(1000)), static_cast<uint32_t>(pick(50)),
                          static_cast<msg::TableOp>(pick(6)), static_cast<uint32_t>(pick(9)),
                          static_cast<int64_t>(random()), random()});
  }
  for (uint64_t i = pick(6); i > 0; --i) {
    const auto stack = static_cast<StackId>(pick(10));
    const auto pc = static_cast<uint32_t>(pick(5));
    const auto value = static_cast<int64_t>(random());
    const auto lamport = pick(100);
    const auto channel = static_cast<ChannelId>(pick(20));
    const Channel ends{stack, static_cast<StackId>(pick(10))};
    const auto seq = static_cast<uint32_t>(pick(9));
    switch (pick(6)) {
      case 0:
        update.events.push_back(
            Event::Read(stack, pc, static_cast<VarId>(pick(3)), value, lamport));
        break;
      case 1:
        update.events.push_back(
            Event::Write(stack, pc, static_cast<VarId>(pick(3)), value, lamport));
        break;
      case 2:
        update.events.push_back(Event::Send(channel, ends, pc, seq, value, lamport));
        break;
      case 3:
        update.events.push_back(Event::Arrive(channel, ends, seq, value, lamport));
        break;
      case 4:
        update.events.push_back(Event::Await(channel, ends, pc, seq, value, lamport));
        break;
      default:
        update.events.push_back(Event::Print(stack, pc, value, lamport));
        break;
    }
  }
  for (uint64_t i = pick(3); i > 0; --i) {
    msg::StackResult result{static_cast<StackId>(pick(10)), {}};
    for (uint64_t r = pick(4); r > 0; --r)
      result.registers.push_back(static_cast<int64_t>(random()));
    update.results.push_back(result);
  }
  if (pick(2)) update.failure = msg::StackFailure{3, 7, "division by zero"};
  if (pick(2)) update.fault = msg::NodeFault{"Y", "127.0.0.1:7001", "shutting down"};
  for (uint64_t i = pick(3); i > 0; --i) {
    update.arrived.push_back(msg::Arrival{static_cast<ChannelId>(pick(20)), 1 + pick(9)});
  }
  return update;
}

void ExpectSame(const msg::RunUpdate& a, const msg::RunUpdate& b) {
  EXPECT_EQ(a.ready, b.ready);
  EXPECT_EQ(a.missing_program, b.missing_program);
  EXPECT_EQ(a.done, b.done);
  ASSERT_EQ(a.table.size(), b.table.size());
  for (size_t i = 0; i < a.table.size(); ++i) {
    EXPECT_EQ(a.table[i].stack, b.table[i].stack);
    EXPECT_EQ(a.table[i].pc, b.table[i].pc);
    EXPECT_EQ(a.table[i].op, b.table[i].op);
    EXPECT_EQ(a.table[i].var, b.table[i].var);
    EXPECT_EQ(a.table[i].value, b.table[i].value);
    EXPECT_EQ(a.table[i].lamport, b.table[i].lamport);
  }
  ASSERT_EQ(a.events.size(), b.events.size());
  for (size_t i = 0; i < a.events.size(); ++i) EXPECT_EQ(a.events[i], b.events[i]);
  ASSERT_EQ(a.results.size(), b.results.size());
  for (size_t i = 0; i < a.results.size(); ++i) {
    EXPECT_EQ(a.results[i].stack, b.results[i].stack);
    EXPECT_EQ(a.results[i].registers, b.results[i].registers);
  }
  ASSERT_EQ(a.failure.has_value(), b.failure.has_value());
  if (a.failure) {
    EXPECT_EQ(a.failure->stack, b.failure->stack);
    EXPECT_EQ(a.failure->pc, b.failure->pc);
    EXPECT_EQ(a.failure->what, b.failure->what);
  }
  ASSERT_EQ(a.fault.has_value(), b.fault.has_value());
  if (a.fault) {
    EXPECT_EQ(a.fault->node, b.fault->node);
    EXPECT_EQ(a.fault->address, b.fault->address);
    EXPECT_EQ(a.fault->message, b.fault->message);
  }
  ASSERT_EQ(a.arrived.size(), b.arrived.size());
  for (size_t i = 0; i < a.arrived.size(); ++i) {
    EXPECT_EQ(a.arrived[i].channel, b.arrived[i].channel);
    EXPECT_EQ(a.arrived[i].seq, b.arrived[i].seq);
  }
}

TEST(ConvertTest, ARunUpdateSurvivesTheWire) {
  std::mt19937_64 random(20261201);
  for (int round = 0; round < 500; ++round) {
    const msg::RunUpdate update = RandomUpdate(random);
    wire::RunUpdate out;
    ToWire(update, &out);
    StatusOr<msg::RunUpdate> back = FromWire(ThroughBytes(out));
    ASSERT_TRUE(back.ok()) << back.status().message();
    ExpectSame(update, *back);
  }
}

TEST(ConvertTest, AnOpThisVersionDoesNotKnowIsRefused) {
  wire::RunUpdate update;
  wire::TableRequest* request = update.add_table();
  request->set_stack(4);
  request->set_op(static_cast<wire::TableOp>(17));
  StatusOr<msg::RunUpdate> taken = FromWire(ThroughBytes(update));
  EXPECT_EQ(taken.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(taken.status().message(),
            "a table request of stack id 4 has op 17, which this coordinator does not know");
}

TEST(ConvertTest, AnEventKindThisVersionDoesNotKnowIsRefused) {
  wire::RunUpdate update;
  wire::Event* event = update.add_events();
  event->set_stack(1);
  event->set_kind(static_cast<wire::EventKind>(9));
  StatusOr<msg::RunUpdate> taken = FromWire(ThroughBytes(update));
  EXPECT_EQ(taken.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(taken.status().message(),
            "an event of stack id 1 has kind 9, which this coordinator does not know");
}

// An Event keeps pc in 24 bits and seq in 32, the wire in 32 and 64: what
// does not fit is refused, not cut; the most that fits survives the trip.
TEST(ConvertTest, AnEventsPcAndSeqMustFitAnEvent) {
  {
    wire::RunUpdate update;
    ToWire(
        Event::Send(3, Channel{1, 2}, Event::kMaxPc, static_cast<uint32_t>(Event::kMaxSeq), 5, 6),
        update.add_events());
    StatusOr<msg::RunUpdate> taken = FromWire(ThroughBytes(update));
    ASSERT_TRUE(taken.ok()) << taken.status().message();
    ASSERT_EQ(taken->events.size(), 1u);
    EXPECT_EQ(taken->events[0].pc, Event::kMaxPc);
    EXPECT_EQ(taken->events[0].seq, Event::kMaxSeq);
    EXPECT_EQ(taken->events[0].channel(), 3u);
  }
  struct TooWide {
    wire::EventKind kind;
    uint32_t pc;
    uint64_t seq;
    const char* refusal;
  };
  for (const TooWide& c : {
           TooWide{wire::EVENT_WRITE, Event::kMaxPc + 1, 0,
                   "an event of stack id 2 has pc 16777216, more than an event holds (16777215)"},
           TooWide{wire::EVENT_ARRIVE, 0, Event::kMaxSeq + 1,
                   "an event of stack id 2 has seq 4294967296, more than an event holds "
                   "(4294967295)"},
       }) {
    wire::RunUpdate update;
    wire::Event* event = update.add_events();
    event->set_kind(c.kind);
    event->set_stack(2);
    event->set_pc(c.pc);
    event->set_seq(c.seq);
    StatusOr<msg::RunUpdate> taken = FromWire(ThroughBytes(update));
    EXPECT_EQ(taken.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(taken.status().message(), c.refusal);
  }
}

TEST(ConvertTest, RepliesGrantsAndCallbacksSurviveTheWire) {
  const msg::TableReply reply{7, 3, -42, 99};
  wire::TableReply wire_reply;
  ToWire(reply, &wire_reply);
  const msg::TableReply reply_back = FromWire(ThroughBytes(wire_reply));
  EXPECT_EQ(reply_back.stack, 7u);
  EXPECT_EQ(reply_back.pc, 3u);
  EXPECT_EQ(reply_back.value, -42);
  EXPECT_EQ(reply_back.lamport, 99u);

  const msg::StepGrant step{5, 2, 1, /*take_in=*/false, 0};
  wire::Grant wire_step;
  ToWire(step, &wire_step);
  const msg::StepGrant step_back = FromWire(ThroughBytes(wire_step));
  EXPECT_FALSE(step_back.take_in);
  EXPECT_EQ(step_back.stack, 5u);
  EXPECT_EQ(step_back.pc, 2u);
  EXPECT_EQ(step_back.value, 1);

  const msg::StepGrant take_in{0, 0, 0, /*take_in=*/true, 11};
  wire::Grant wire_take_in;
  ToWire(take_in, &wire_take_in);
  const msg::StepGrant take_in_back = FromWire(ThroughBytes(wire_take_in));
  EXPECT_TRUE(take_in_back.take_in);
  EXPECT_EQ(take_in_back.channel, 11u);

  wire::Callback callback;
  ToWire(/*run_id=*/1, msg::Callback{6, 3, -5, 8}, &callback);
  EXPECT_EQ(ThroughBytes(callback).run_id(), 1u);
  const msg::Callback callback_back = FromWire(ThroughBytes(callback));
  EXPECT_EQ(callback_back.channel, 6u);
  EXPECT_EQ(callback_back.seq, 3u);
  EXPECT_EQ(callback_back.value, -5);
  EXPECT_EQ(callback_back.lamport, 8u);
}

TEST(ConvertTest, AnAssignCarriesItsProgramOnlyWhenGiven) {
  msg::Assign assign;
  assign.run_id = 12;
  assign.deck_name = "ring.deck";
  assign.ordering = Ordering::kNone;
  assign.seed = 9;
  assign.shuffle = Shuffle::kSeeded;
  assign.program_key = std::string(32, 'k');
  wire::Assign by_key;
  ToWire(msg::Assign(assign), &by_key);
  EXPECT_TRUE(by_key.program().empty());
  EXPECT_EQ(by_key.run_id(), 12u);
  EXPECT_EQ(by_key.ordering(), wire::ORDERING_NONE);
  EXPECT_EQ(by_key.shuffle(), wire::SHUFFLE_SEEDED);
  const std::string program = "program bytes";
  assign.program = program;
  wire::Assign with_program;
  ToWire(msg::Assign(assign), &with_program);
  EXPECT_EQ(with_program.program(), program);
  EXPECT_EQ(with_program.program_key(), assign.program_key);
}

}  // namespace
}  // namespace cardflow
