// NodeProgram: what a node holds of a deck (proto/program_wire.h builds it
// from the whole Program on the coordinator; the node checks and numbers
// it). A node given 2 of 1,000 stacks holds their code, their channels and
// the peers those reach — nothing else; and across random placements of
// every example deck, the nodes' programs put back together are the deck.
#include "common/deck/node_program.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "proto/program_wire.h"
#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

// The ring of bench/scaling.sh: Si reads, notifies S(i+1), awaits S(i-1).
std::string RingDeck(int n) {
  std::string deck = "shared total\n";
  for (int i = 0; i < n; ++i) {
    deck += "stack S" + std::to_string(i) + ":\n    read total -> t\n    notify S" +
            std::to_string((i + 1) % n) + " " + std::to_string(i) + "\n    await S" +
            std::to_string((i + n - 1) % n) + " -> v\n    add v 1\n";
  }
  return deck + "outcome total\n";
}

std::vector<RunNode> Nodes(size_t n) {
  std::vector<RunNode> nodes;
  for (size_t i = 0; i < n; ++i) {
    nodes.push_back({"n" + std::to_string(i), "127.0.0.1:" + std::to_string(7000 + i)});
  }
  return nodes;
}

// Every table of `a` and `b` is the same.
void ExpectSamePrograms(const NodeProgram& a, const NodeProgram& b) {
  EXPECT_EQ(a.stack_global, b.stack_global);
  EXPECT_EQ(a.channel_global, b.channel_global);
  EXPECT_EQ(a.stack_node, b.stack_node);
  EXPECT_EQ(a.stack_index, b.stack_index);
  EXPECT_EQ(a.channel_index, b.channel_index);
  EXPECT_EQ(a.self, b.self);
  EXPECT_EQ(a.shared, b.shared);
  EXPECT_EQ(a.deck_stacks, b.deck_stacks);
  EXPECT_EQ(a.deck_channels, b.deck_channels);
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  for (size_t n = 0; n < a.nodes.size(); ++n) {
    EXPECT_EQ(a.nodes[n].name, b.nodes[n].name);
    EXPECT_EQ(a.nodes[n].address, b.nodes[n].address);
  }
  EXPECT_EQ(a.program.file, b.program.file);
  ASSERT_EQ(a.program.stacks.size(), b.program.stacks.size());
  for (StackId s = 0; s < a.program.stacks.size(); ++s) {
    EXPECT_EQ(a.program.stacks[s].name, b.program.stacks[s].name);
    EXPECT_EQ(a.program.stacks[s].registers, b.program.stacks[s].registers);
    EXPECT_EQ(a.program.stacks[s].code_begin, b.program.stacks[s].code_begin);
    EXPECT_EQ(a.program.stacks[s].code_size, b.program.stacks[s].code_size);
  }
  ASSERT_EQ(a.program.code.size(), b.program.code.size());
  for (size_t i = 0; i < a.program.code.size(); ++i) {
    const Instr& x = a.program.code[i];
    const Instr& y = b.program.code[i];
    EXPECT_TRUE(x.op == y.op && x.has_reg == y.has_reg && x.reg == y.reg &&
                x.value_is_register == y.value_is_register && x.value_word == y.value_word &&
                x.channel == y.channel)
        << "card " << i;
  }
  ASSERT_EQ(a.program.channels.size(), b.program.channels.size());
  for (ChannelId c = 0; c < a.program.channels.size(); ++c) {
    EXPECT_EQ(a.program.channels[c].from, b.program.channels[c].from);
    EXPECT_EQ(a.program.channels[c].to, b.program.channels[c].to);
  }
}

// The node's program of `wire`, built both ways — from the parsed message,
// and from its bytes a stack at a time as a node does — which must agree.
NodeProgram RoundTrip(const wire::NodeProgram& wire) {
  auto program = NodeProgramFromWire(wire);
  EXPECT_TRUE(program.ok()) << program.status().ToString();
  auto from_bytes = NodeProgramFromBytes(wire.SerializeAsString());
  EXPECT_TRUE(from_bytes.ok()) << from_bytes.status().ToString();
  if (!program.ok() || !from_bytes.ok()) return NodeProgram{};
  ExpectSamePrograms(*program, *from_bytes);
  return std::move(program).value();
}

// NodeProgramFromBytes of `bytes` is what parsing them whole and then
// NodeProgramFromWire gives: the same program, or the same error
// ("malformed bytes" when they do not parse).
void ExpectBytesReadAsTheMessage(const std::string& bytes) {
  wire::NodeProgram parsed;
  auto from_bytes = NodeProgramFromBytes(bytes);
  if (!parsed.ParseFromString(bytes)) {
    ASSERT_FALSE(from_bytes.ok());
    EXPECT_EQ(from_bytes.status().message(), "node program: malformed bytes");
    return;
  }
  auto from_message = NodeProgramFromWire(parsed);
  ASSERT_EQ(from_bytes.ok(), from_message.ok())
      << (from_bytes.ok() ? from_message.status() : from_bytes.status()).ToString();
  if (!from_bytes.ok()) {
    EXPECT_EQ(from_bytes.status().message(), from_message.status().message());
    return;
  }
  ExpectSamePrograms(*from_message, *from_bytes);
}

// `instr` of the node's program is `original` of the deck's, ids mapped.
void ExpectSameCard(const NodeProgram& node, const Instr& instr, const Program& deck,
                    const Instr& original) {
  EXPECT_EQ(instr.op, original.op);
  EXPECT_EQ(instr.value().is_register, original.value().is_register);
  if (original.value().is_register) {
    EXPECT_EQ(instr.value().reg, original.value().reg);
  } else {
    EXPECT_EQ(instr.value().literal, original.value().literal);
  }
  if (original.has_reg) {
    EXPECT_EQ(instr.reg, original.reg);
  }
  if (original.op == Op::kRead || original.op == Op::kWrite) {
    EXPECT_EQ(instr.var, original.var);
  }
  if (original.op == Op::kNotify || original.op == Op::kAwait) {
    EXPECT_EQ(node.stack_global[node.program.Peer(instr)], deck.Peer(original));
    EXPECT_EQ(node.channel_global[instr.channel], original.channel);
  }
}

TEST(NodeProgramTest, ANodeWithTwoOfAThousandStacksHoldsThemTheirChannelsAndPeersOnly) {
  const Program deck = testing::MustLoad(RingDeck(1000));
  std::vector<uint32_t> stack_node(1000);
  for (StackId s = 0; s < 1000; ++s) stack_node[s] = 1 + s % 3;  // nodes 1..3
  stack_node[10] = 0;
  stack_node[500] = 0;
  const wire::NodeProgram wire = NodeProgramToWire(deck, stack_node, Nodes(4), 0);
  const NodeProgram node = RoundTrip(wire);

  // S10 and S500, then their peers S9, S11, S499, S501 (no code, no entry
  // in the program's stack table).
  ASSERT_EQ(node.known(), 6u);
  EXPECT_EQ(node.program.stacks.size(), 2u);
  EXPECT_EQ(node.stack_global, (std::vector<StackId>{10, 500, 9, 11, 499, 501}));
  EXPECT_EQ(node.Own(), (std::vector<StackId>{0, 1}));
  EXPECT_EQ(node.program.channels.size(), 4u);  // S9->S10, S10->S11, S499->S500, S500->S501
  for (StackId s = 2; s < 6; ++s) {
    EXPECT_EQ(node.stack_node[s], stack_node[node.stack_global[s]]);
    EXPECT_EQ(node.StackName(s), "stack id " + std::to_string(node.stack_global[s]));
  }
  for (StackId s : node.Own()) {
    const StackProgram& original = deck.stacks[node.stack_global[s]];
    const std::span<const Instr> code = deck.Code(node.stack_global[s]);
    EXPECT_EQ(node.program.stacks[s].name, original.name);
    EXPECT_EQ(node.program.stacks[s].registers, original.registers);
    EXPECT_TRUE(node.program.RegisterNames(s).empty());  // a node keeps no names
    ASSERT_EQ(node.program.Code(s).size(), code.size());
    for (size_t pc = 0; pc < code.size(); ++pc) {
      ExpectSameCard(node, node.program.Code(s)[pc], deck, code[pc]);
    }
  }
  EXPECT_EQ(*node.LocalStack(500), 1u);
  EXPECT_FALSE(node.LocalStack(12).has_value());
  // The wire form follows the node's share, not the deck: 2 of 1,000 stacks.
  EXPECT_LT(wire.ByteSizeLong(), 400u);
  const wire::NodeProgram whole =
      NodeProgramToWire(deck, std::vector<uint32_t>(1000, 0), Nodes(1), 0);
  EXPECT_GT(whole.ByteSizeLong(), 100 * wire.ByteSizeLong());
}

TEST(NodeProgramTest, TheSameArgumentsGiveTheSameBytesAndKey) {
  const Program deck = testing::MustLoadExample("ring.deck");
  std::vector<uint32_t> stack_node(deck.stacks.size());
  for (StackId s = 0; s < stack_node.size(); ++s) stack_node[s] = s % 2;
  std::string a, b;
  NodeProgramToWire(deck, stack_node, Nodes(2), 1).SerializeToString(&a);
  NodeProgramToWire(deck, stack_node, Nodes(2), 1).SerializeToString(&b);
  EXPECT_EQ(a, b);
  EXPECT_EQ(ProgramKey(a), ProgramKey(b));
  EXPECT_EQ(ProgramKey(a).size(), 32u);
  std::string other;
  NodeProgramToWire(deck, stack_node, Nodes(2), 0).SerializeToString(&other);
  EXPECT_NE(ProgramKey(a), ProgramKey(other));
}

// The coordinator serializes a node's program a stack at a time
// (NodeProgramBytes): the bytes are the message's, on every node of a
// placement, so keys and what nodes parse are unchanged.
TEST(NodeProgramTest, BytesBuiltAStackAtATimeAreTheMessagesBytes) {
  const Program deck = testing::MustLoad(RingDeck(50));
  for (uint32_t nodes = 1; nodes <= 3; ++nodes) {
    std::vector<uint32_t> stack_node(deck.stacks.size());
    for (StackId s = 0; s < stack_node.size(); ++s) stack_node[s] = s % nodes;
    for (uint32_t n = 0; n < nodes; ++n) {
      std::string whole;
      NodeProgramToWire(deck, stack_node, Nodes(nodes), n).SerializeToString(&whole);
      EXPECT_EQ(NodeProgramBytes(deck, stack_node, Nodes(nodes), n), whole)
          << "node " << n << " of " << nodes;
    }
  }
}

// Property: every example deck, random placements on 1-5 nodes — each stack
// is held (with its code) by exactly the node it is placed on, each channel
// by the nodes of its two ends, and every card maps back to the deck's.
TEST(NodeProgramTest, TheNodesProgramsPutTogetherAreTheDeck) {
  std::mt19937 random(17);
  for (const char* file : {"transfer.deck", "ring.deck", "fan_in.deck", "iriw.deck",
                           "ping_pong.deck", "producer_consumer.deck", "parallel.deck"}) {
    const Program deck = testing::MustLoadExample(file);
    for (int trial = 0; trial < 20; ++trial) {
      const size_t nodes = 1 + random() % 5;
      std::vector<uint32_t> stack_node(deck.stacks.size());
      for (uint32_t& n : stack_node) n = static_cast<uint32_t>(random() % nodes);
      std::vector<int> held(deck.stacks.size(), 0);
      std::vector<int> channel_holders(deck.channels.size(), 0);
      for (uint32_t n = 0; n < nodes; ++n) {
        if (std::find(stack_node.begin(), stack_node.end(), n) == stack_node.end()) {
          EXPECT_FALSE(NodeProgramFromWire(NodeProgramToWire(deck, stack_node, Nodes(nodes), n))
                           .ok());  // no stack here
          continue;
        }
        const NodeProgram node = RoundTrip(NodeProgramToWire(deck, stack_node, Nodes(nodes), n));
        for (StackId s : node.Own()) {
          const StackId global = node.stack_global[s];
          ++held[global];
          EXPECT_EQ(stack_node[global], n);
          ASSERT_EQ(node.program.Code(s).size(), deck.Code(global).size());
          for (size_t pc = 0; pc < deck.Code(global).size(); ++pc) {
            ExpectSameCard(node, node.program.Code(s)[pc], deck, deck.Code(global)[pc]);
          }
        }
        for (ChannelId c = 0; c < node.program.channels.size(); ++c) {
          const ChannelId global = node.channel_global[c];
          ++channel_holders[global];
          EXPECT_EQ(node.stack_global[node.program.channels[c].from], deck.channels[global].from);
          EXPECT_EQ(node.stack_global[node.program.channels[c].to], deck.channels[global].to);
        }
      }
      EXPECT_TRUE(std::all_of(held.begin(), held.end(), [](int h) { return h == 1; })) << file;
      for (ChannelId c = 0; c < deck.channels.size(); ++c) {
        const bool same = stack_node[deck.channels[c].from] == stack_node[deck.channels[c].to];
        EXPECT_EQ(channel_holders[c], same ? 1 : 2) << file << " channel " << c;
      }
    }
  }
}

TEST(NodeProgramTest, TakingStacksOverKeepsEveryIdAndAddsTheirCodeAndChannels) {
  const Program deck = testing::MustLoad(RingDeck(12));
  std::vector<uint32_t> stack_node(12);
  for (StackId s = 0; s < 12; ++s) stack_node[s] = s % 3;
  const NodeProgram before = RoundTrip(NodeProgramToWire(deck, stack_node, Nodes(3), 0));
  // Node 1 died; node 0 takes S1, S4, S7, S10.
  const std::vector<StackId> adopted = {1, 4, 7, 10};
  for (StackId s : adopted) stack_node[s] = 0;
  auto after = ExtendNodeProgram(before, AdoptedToWire(deck, stack_node, Nodes(3), 0, adopted));
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  for (StackId s = 0; s < before.stack_global.size(); ++s) {
    EXPECT_EQ(after->stack_global[s], before.stack_global[s]);
  }
  for (ChannelId c = 0; c < before.channel_global.size(); ++c) {
    EXPECT_EQ(after->channel_global[c], before.channel_global[c]);
  }
  std::vector<StackId> own;
  for (StackId s : after->Own()) own.push_back(after->stack_global[s]);
  std::sort(own.begin(), own.end());
  EXPECT_EQ(own, (std::vector<StackId>{0, 1, 3, 4, 6, 7, 9, 10}));
  for (StackId s : after->Own()) {
    EXPECT_EQ(after->program.Code(s).size(), 4u) << after->program.stacks[s].name;
  }
  // The same as if the node had been given all eight from the start, up to numbering.
  const NodeProgram fresh = RoundTrip(NodeProgramToWire(deck, stack_node, Nodes(3), 0));
  EXPECT_EQ(after->known(), fresh.known());
  EXPECT_EQ(after->program.channels.size(), fresh.program.channels.size());
}

TEST(NodeProgramTest, WhatDoesNotFitIsRefusedSayingWhat) {
  const Program deck = testing::MustLoad(RingDeck(4));
  const std::vector<uint32_t> stack_node = {0, 1, 0, 1};
  const wire::NodeProgram good = NodeProgramToWire(deck, stack_node, Nodes(2), 0);
  const auto refused = [](const wire::NodeProgram& wire) {
    auto program = NodeProgramFromWire(wire);
    EXPECT_FALSE(program.ok());
    auto from_bytes = NodeProgramFromBytes(wire.SerializeAsString());
    EXPECT_FALSE(from_bytes.ok());
    if (program.ok() || from_bytes.ok()) return std::string();
    EXPECT_EQ(from_bytes.status().message(), program.status().message());
    return program.status().message();
  };
  wire::NodeProgram bad = good;
  bad.set_self(2);
  EXPECT_EQ(refused(bad), "node program: self is node #2 of 2");
  bad = good;
  bad.mutable_stacks(0)->set_stack(4);
  EXPECT_EQ(refused(bad), "node program: stack id 4 is not below the deck's 4 stacks");
  bad = good;
  bad.mutable_stacks(0)->mutable_code(0)->set_op(13);
  EXPECT_EQ(refused(bad), "node program: card 1 of stack S0 has unknown op 13");
  bad = good;
  bad.mutable_stacks(0)->mutable_code(0)->set_var(1);
  EXPECT_EQ(refused(bad), "node program: card 1 of stack S0 names shared variable #1 of 1");
  bad = good;
  // S0's notify (card 2) on the channel S0's await (card 3) reads from.
  const uint32_t await_channel = good.stacks(0).code(2).channel();
  bad.mutable_stacks(0)->mutable_code(1)->set_channel(await_channel);
  EXPECT_EQ(refused(bad), "node program: card 2 of stack S0: channel id " +
                              std::to_string(await_channel) + " does not join it to its peer");
  bad = good;
  bad.mutable_channels(0)->set_from(2);
  bad.mutable_channels(0)->set_to(2);
  bad.mutable_channels(0)->set_channel(99);
  EXPECT_EQ(refused(bad), "node program: channel id 99 is not below the deck's 4 channels");
  bad = good;
  *bad.add_stacks() = good.stacks(0);
  bad.mutable_stacks(bad.stacks_size() - 1)->set_stack(3);  // S3 is node 1's
  bad.mutable_stacks(bad.stacks_size() - 1)->set_node(1);
  EXPECT_EQ(refused(bad), "node program: stack S0 of node n1 carries code");
  bad = good;
  bad.mutable_stacks(0)->mutable_code(0)->set_op(static_cast<uint32_t>(Op::kWork));
  bad.mutable_stacks(0)->mutable_code(0)->set_literal(kMaxWorkMicros + 1);
  EXPECT_EQ(refused(bad), "node program: card 1 of stack S0 asks for " +
                              std::to_string(kMaxWorkMicros + 1) + " (0 to " +
                              std::to_string(kMaxWorkMicros) + ")");
  bad = good;
  bad.mutable_stacks(0)->set_registers(1000);  // more than 4 cards can name
  EXPECT_EQ(refused(bad), "node program: stack S0 has 1000 registers for 4 cards");
  // A huge count of shared variables costs nothing: the node keeps none.
  bad = good;
  bad.set_shared(0x7fffffff);
  EXPECT_TRUE(NodeProgramFromWire(bad).ok());
  bad = good;
  *bad.add_stacks() = good.stacks(good.stacks_size() - 1);  // a peer, twice
  EXPECT_EQ(refused(bad), "node program: stack id " +
                              std::to_string(good.stacks(good.stacks_size() - 1).stack()) +
                              " is listed twice");
}

// A node reads its program from the Assign's bytes a stack at a time
// (NodeProgramFromBytes). Property: for every prefix of a program's bytes
// and for bytes with one byte changed, that reading gives exactly what
// parsing the message whole and checking it gives — the same program, or
// the same error.
TEST(NodeProgramTest, ReadingTheBytesAStackAtATimeIsReadingTheMessage) {
  const Program deck = testing::MustLoad(RingDeck(6));
  const std::vector<uint32_t> stack_node = {0, 1, 0, 1, 0, 1};
  const std::string good = NodeProgramBytes(deck, stack_node, Nodes(2), 0);
  for (size_t size = 0; size <= good.size(); ++size) {
    SCOPED_TRACE("prefix of " + std::to_string(size) + " bytes");
    ExpectBytesReadAsTheMessage(good.substr(0, size));
  }
  std::mt19937 random(17);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bytes = good;
    const size_t at = random() % bytes.size();
    bytes[at] = static_cast<char>(random() % 256);
    SCOPED_TRACE("byte " + std::to_string(at) + " changed, trial " + std::to_string(trial));
    ExpectBytesReadAsTheMessage(bytes);
  }
  EXPECT_FALSE(NodeProgramFromBytes("not a program").ok());
}

}  // namespace
}  // namespace cardflow
