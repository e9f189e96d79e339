#include "proto/program_wire.h"

#include <fmt/format.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <openssl/sha.h>

#include <algorithm>
#include <functional>

namespace cardflow {

namespace {

// Most registers one stack may declare on the wire (a deck has far fewer).
constexpr uint32_t kMaxRegisters = 1u << 16;

void CardToWire(const Program& program, const Instr& instr, wire::Card* out) {
  out->set_op(static_cast<uint32_t>(instr.op));
  if (instr.has_reg) {
    out->set_has_reg(true);
    out->set_reg(instr.reg);
  }
  const Operand value = instr.value();
  if (value.is_register) {
    out->set_value_is_register(true);
    out->set_value_reg(value.reg);
  } else {
    out->set_literal(value.literal);
  }
  if (instr.op == Op::kRead || instr.op == Op::kWrite) out->set_var(instr.var);
  if (instr.op == Op::kNotify || instr.op == Op::kAwait) {
    out->set_peer(program.Peer(instr));
    out->set_channel(instr.channel);
  }
}

void StackToWire(const Program& program, StackId s, uint32_t node, bool with_code,
                 wire::NodeProgram& out) {
  const StackProgram& stack = program.stacks[s];
  wire::StackCode* code = out.add_stacks();
  code->set_stack(s);
  code->set_name(stack.name);
  code->set_node(node);
  if (!with_code) return;
  code->set_registers(stack.registers);
  code->mutable_code()->Reserve(static_cast<int>(stack.code_size));
  for (const Instr& instr : program.Code(s)) CardToWire(program, instr, code->add_code());
}

// Header, the stacks in `mine` with code, their channels and peers, built
// into `out`. `flush(out)` is called after the header and after each stack
// and channel: it may serialize what `out` holds and clear it
// (NodeProgramBytes), since fields are written in number order (header,
// stacks = 7, channels = 8) and the appended pieces of a message are its
// bytes; or do nothing, and `out` is the whole message.
void Slice(const Program& program, const std::vector<uint32_t>& stack_node,
           const std::vector<RunNode>& nodes, uint32_t self, const std::vector<bool>& mine,
           wire::NodeProgram& out, const std::function<void(wire::NodeProgram&)>& flush) {
  out.set_deck_name(program.file);
  out.set_deck_stacks(static_cast<uint32_t>(program.stacks.size()));
  out.set_deck_channels(static_cast<uint32_t>(program.channels.size()));
  out.set_shared(static_cast<uint32_t>(program.shared.size()));
  for (const RunNode& node : nodes) {
    wire::RunNode* n = out.add_nodes();
    n->set_name(node.name);
    n->set_address(node.address);
  }
  out.set_self(self);
  flush(out);
  for (StackId s = 0; s < program.stacks.size(); ++s) {
    if (!mine[s]) continue;
    StackToWire(program, s, stack_node[s], /*with_code=*/true, out);
    flush(out);
  }
  std::vector<ChannelId> channels;
  std::vector<StackId> peers;
  for (ChannelId c = 0; c < program.channels.size(); ++c) {
    const Channel& ends = program.channels[c];
    if (!mine[ends.from] && !mine[ends.to]) continue;
    channels.push_back(c);
    if (!mine[ends.from]) peers.push_back(ends.from);
    if (!mine[ends.to]) peers.push_back(ends.to);
  }
  std::sort(peers.begin(), peers.end());
  peers.erase(std::unique(peers.begin(), peers.end()), peers.end());
  for (StackId s : peers) {
    StackToWire(program, s, stack_node[s], /*with_code=*/false, out);
    flush(out);
  }
  for (ChannelId c : channels) {
    wire::ChannelEnds* channel = out.add_channels();
    channel->set_channel(c);
    channel->set_from(program.channels[c].from);
    channel->set_to(program.channels[c].to);
    flush(out);
  }
}

wire::NodeProgram Slice(const Program& program, const std::vector<uint32_t>& stack_node,
                        const std::vector<RunNode>& nodes, uint32_t self,
                        const std::vector<bool>& mine) {
  wire::NodeProgram out;
  Slice(program, stack_node, nodes, self, mine, out, [](wire::NodeProgram&) {});
  return out;
}

std::vector<bool> Own(const std::vector<uint32_t>& stack_node, uint32_t self) {
  std::vector<bool> mine(stack_node.size());
  for (StackId s = 0; s < stack_node.size(); ++s) mine[s] = stack_node[s] == self;
  return mine;
}

Status Invalid(const std::string& what) {
  return InvalidArgumentError(fmt::format("node program: {}", what));
}

// `global` among the first `known` (sorted) entries of `index`.
template <typename Id>
std::optional<Id> Find(const std::vector<std::pair<Id, Id>>& index, size_t known, Id global) {
  const auto end = index.begin() + static_cast<std::ptrdiff_t>(known);
  const auto it = std::lower_bound(index.begin(), end, std::make_pair(global, Id{0}));
  if (it == end || it->first != global) return std::nullopt;
  return it->second;
}

// Sorts the entries of `index` after the first `known` (sorted already) and
// merges them in; INVALID_ARGUMENT when an id is listed twice.
template <typename Id>
Status Sorted(std::vector<std::pair<Id, Id>>& index, size_t known, const char* what) {
  const auto middle = index.begin() + static_cast<std::ptrdiff_t>(known);
  std::sort(middle, index.end());
  std::inplace_merge(index.begin(), middle, index.end());
  const auto twice = std::adjacent_find(
      index.begin(), index.end(), [](const auto& a, const auto& b) { return a.first == b.first; });
  if (twice != index.end())
    return Invalid(fmt::format("{} id {} is listed twice", what, twice->first));
  return Status::Ok();
}

// The stacks and channels of a wire NodeProgram, visited one at a time in
// their order: Stacks(f) calls f(const wire::StackCode&), Channels(f) calls
// f(const wire::ChannelEnds&), and a visit stops at the first f that
// returns an error, which it returns. The entry passed is valid only during
// the call.
//
// Of a parsed message.
class ParsedEntries {
 public:
  explicit ParsedEntries(const wire::NodeProgram& in) : in_(in) {}
  template <typename F>
  Status Stacks(F&& f) const {
    return Each(in_.stacks(), f);
  }
  template <typename F>
  Status Channels(F&& f) const {
    return Each(in_.channels(), f);
  }

 private:
  template <typename Entries, typename F>
  static Status Each(const Entries& entries, F& f) {
    for (const auto& entry : entries) {
      if (Status s = f(entry); !s.ok()) return s;
    }
    return Status::Ok();
  }
  const wire::NodeProgram& in_;
};

// Of a message's bytes, parsing one entry at a time into one message reused
// (a parsed program is several times the size of its bytes: 40 MB of
// protobuf objects for a node of 100,000 stacks, at a node's peak memory).
// Every visit walks the bytes again.
class SerializedEntries {
 public:
  explicit SerializedEntries(std::string_view bytes) : bytes_(bytes) {}
  template <typename F>
  Status Stacks(F&& f) const {
    wire::StackCode entry;
    return Walk(kStacksField, entry, f);
  }
  template <typename F>
  Status Channels(F&& f) const {
    wire::ChannelEnds entry;
    return Walk(kChannelsField, entry, f);
  }
  // The message without its stacks and channels (the fields before them).
  StatusOr<wire::NodeProgram> Header() const {
    std::string rest;
    if (Status s = Fields([&](int field, std::string_view bytes) {
          if (field == 0) rest.append(bytes);
          return Status::Ok();
        });
        !s.ok()) {
      return s;
    }
    wire::NodeProgram header;
    if (!header.ParseFromString(rest)) return Malformed();
    return header;
  }

 private:
  static constexpr int kStacksField = wire::NodeProgram::kStacksFieldNumber;
  static constexpr int kChannelsField = wire::NodeProgram::kChannelsFieldNumber;

  static Status Malformed() { return InvalidArgumentError("node program: malformed bytes"); }

  // Calls f(0, the field's bytes, tag and all) for each field but the
  // stacks and channels, and f(field number, the entry's bytes) for each of
  // those.
  template <typename F>
  Status Fields(F&& f) const {
    using google::protobuf::internal::WireFormatLite;
    google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes_.data()),
                                              static_cast<int>(bytes_.size()));
    for (;;) {
      const int start = in.CurrentPosition();
      const uint32_t tag = in.ReadTag();
      if (tag == 0) {
        if (static_cast<size_t>(start) != bytes_.size()) return Malformed();
        return Status::Ok();
      }
      const int field = WireFormatLite::GetTagFieldNumber(tag);
      const bool entry =
          (field == kStacksField || field == kChannelsField) &&
          WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
      if (entry) {
        uint32_t size = 0;
        if (!in.ReadVarint32(&size)) return Malformed();
        const int at = in.CurrentPosition();
        if (size > bytes_.size() - static_cast<size_t>(at) || !in.Skip(static_cast<int>(size))) {
          return Malformed();
        }
        if (Status s = f(field, bytes_.substr(static_cast<size_t>(at), size)); !s.ok()) return s;
        continue;
      }
      if (!WireFormatLite::SkipField(&in, tag)) return Malformed();
      const int end = in.CurrentPosition();
      if (Status s =
              f(0, bytes_.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
          !s.ok()) {
        return s;
      }
    }
  }

  template <typename Message, typename F>
  Status Walk(int wanted, Message& entry, F& f) const {
    return Fields([&](int field, std::string_view bytes) {
      if (field != wanted) return Status::Ok();
      if (!entry.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return Malformed();
      return f(static_cast<const Message&>(entry));
    });
  }

  std::string_view bytes_;
};

// What the tables of a program grow by, counted before anything else is
// read: a visit parses every entry, so bytes that are not a NodeProgram are
// refused before any check of their contents, as parsing them whole would.
struct EntryCounts {
  size_t stacks = 0;
  size_t own_stacks = 0;  // with node == self
  size_t own_cards = 0;
  size_t channels = 0;
};

template <typename Entries>
StatusOr<EntryCounts> Count(const Entries& in, uint32_t self) {
  EntryCounts counts;
  if (Status s = in.Stacks([&](const wire::StackCode& stack) {
        ++counts.stacks;
        if (stack.node() == self) {
          ++counts.own_stacks;
          counts.own_cards += static_cast<size_t>(stack.code_size());
        }
        return Status::Ok();
      });
      !s.ok()) {
    return s;
  }
  if (Status s = in.Channels([&](const wire::ChannelEnds&) {
        ++counts.channels;
        return Status::Ok();
      });
      !s.ok()) {
    return s;
  }
  return counts;
}

// Appends (or, for a peer of `out` that `in` gives this node, fills in) the
// stacks and channels of `in` (ParsedEntries or SerializedEntries; `counts`
// its Count) to `out`, checking every id. Visits the stacks twice (to number
// them, then to convert their code once the channels are known) and the
// channels once.
template <typename Entries>
Status Merge(const Entries& in, const EntryCounts& counts, NodeProgram& out) {
  Program& program = out.program;
  // Exact sizes (no doubling: a node's memory is mostly these tables).
  const size_t stacks = program.stacks.size() + counts.stacks;
  const size_t channels = program.channels.size() + counts.channels;
  out.stack_global.reserve(stacks);
  out.stack_node.reserve(stacks);
  out.stack_index.reserve(stacks);
  program.channels.reserve(channels);
  out.channel_global.reserve(channels);
  out.channel_index.reserve(channels);
  // Of the stacks whose code `in` carries: their local ids, and their
  // places among `in`'s stacks.
  std::vector<StackId> with_code;
  std::vector<uint32_t> code_at;
  with_code.reserve(counts.own_stacks);
  code_at.reserve(counts.own_stacks);
  // The node's own stacks are numbered first: their entries, at most
  // this many more, are sized once.
  program.stacks.reserve(program.stacks.size() + counts.own_stacks);
  // New entries go to the end of the indexes, which are sorted again after
  // each loop (inserting in place would cost O(n) apiece: a node with
  // 125,000 stacks took a minute). Lookups in a loop see the old entries.
  const size_t known_stacks = out.stack_index.size();
  uint32_t at = 0;
  if (Status s = in.Stacks([&](const wire::StackCode& stack) -> Status {
        const uint32_t place = at++;
        if (stack.stack() >= out.deck_stacks) {
          return Invalid(fmt::format("stack id {} is not below the deck's {} stacks", stack.stack(),
                                     out.deck_stacks));
        }
        if (stack.node() >= out.nodes.size()) {
          return Invalid(fmt::format("stack {} runs on node #{}, the run has {} nodes",
                                     stack.name(), stack.node(), out.nodes.size()));
        }
        if (stack.name().empty()) {
          return Invalid(fmt::format("stack id {} has no name", stack.stack()));
        }
        const bool own = stack.node() == out.self;
        if (!own && (stack.code_size() > 0 || stack.registers() > 0)) {
          return Invalid(fmt::format("stack {} of node {} carries code", stack.name(),
                                     out.nodes[stack.node()].name));
        }
        // A card names at most two registers: more than that is not a deck's
        // (and would let a few bytes ask for gigabytes).
        if (stack.registers() > kMaxRegisters ||
            stack.registers() > 2 * static_cast<uint64_t>(stack.code_size())) {
          return Invalid(fmt::format("stack {} has {} registers for {} cards", stack.name(),
                                     stack.registers(), stack.code_size()));
        }
        std::optional<StackId> local = Find(out.stack_index, known_stacks, stack.stack());
        if (local) {
          const bool had_code = out.stack_node[*local] == out.self;
          if (!own || had_code) return Status::Ok();  // known already
          out.stack_node[*local] = out.self;          // a peer this node takes over
        } else {
          local = static_cast<StackId>(out.stack_global.size());
          out.stack_global.push_back(stack.stack());
          out.stack_node.push_back(stack.node());
          out.stack_index.emplace_back(stack.stack(), *local);
        }
        if (own) {
          // Only stacks with code have an entry in `program` (peers,
          // numbered after the node's own stacks, have none).
          if (program.stacks.size() <= *local) program.stacks.resize(*local + 1);
          program.stacks[*local].name = stack.name();
          with_code.push_back(*local);
          code_at.push_back(place);
        }
        return Status::Ok();
      });
      !s.ok()) {
    return s;
  }
  if (Status s = Sorted(out.stack_index, known_stacks, "stack"); !s.ok()) return s;
  const size_t known_channels = out.channel_index.size();
  if (Status s = in.Channels([&](const wire::ChannelEnds& channel) -> Status {
        if (channel.channel() >= out.deck_channels) {
          return Invalid(fmt::format("channel id {} is not below the deck's {} channels",
                                     channel.channel(), out.deck_channels));
        }
        if (Find(out.channel_index, known_channels, channel.channel())) return Status::Ok();
        const auto from = out.LocalStack(channel.from());
        const auto to = out.LocalStack(channel.to());
        if (!from || !to) {
          return Invalid(fmt::format("channel id {} joins stack ids {} and {}, not both listed",
                                     channel.channel(), channel.from(), channel.to()));
        }
        const auto local = static_cast<ChannelId>(program.channels.size());
        program.channels.push_back(Channel{*from, *to});
        out.channel_global.push_back(channel.channel());
        out.channel_index.emplace_back(channel.channel(), local);
        return Status::Ok();
      });
      !s.ok()) {
    return s;
  }
  if (Status s = Sorted(out.channel_index, known_channels, "channel"); !s.ok()) return s;
  program.code.reserve(program.code.size() + counts.own_cards);
  size_t next = 0;  // into with_code and code_at
  at = 0;
  return in.Stacks([&](const wire::StackCode& in_stack) -> Status {
    const uint32_t place = at++;
    if (next == code_at.size() || code_at[next] != place) return Status::Ok();
    const StackId s = with_code[next++];
    StackProgram& stack = program.stacks[s];
    stack.registers = in_stack.registers();  // no names: a node's Program keeps none
    stack.code_begin = static_cast<uint32_t>(program.code.size());
    stack.code_size = 0;
    for (const wire::Card& card : in_stack.code()) {
      const auto where = [&] {
        return fmt::format("card {} of stack {}", stack.code_size + 1, stack.name);
      };
      if (card.op() > static_cast<uint32_t>(Op::kPrint)) {
        return Invalid(fmt::format("{} has unknown op {}", where(), card.op()));
      }
      Instr instr;
      instr.op = static_cast<Op>(card.op());
      const bool writes_reg = instr.op <= Op::kMod || instr.op == Op::kRead;
      instr.has_reg = card.has_reg() || writes_reg;
      instr.reg = card.reg();
      if (instr.has_reg && instr.reg >= in_stack.registers()) {
        return Invalid(
            fmt::format("{} names register #{} of {}", where(), instr.reg, in_stack.registers()));
      }
      const Operand value{card.literal(), card.value_reg(), card.value_is_register()};
      instr.set_value(value);
      const int64_t most = instr.op == Op::kWork    ? kMaxWorkMicros
                           : instr.op == Op::kSleep ? kMaxSleepMillis
                                                    : -1;
      if (most >= 0 && !value.is_register && (value.literal < 0 || value.literal > most)) {
        return Invalid(fmt::format("{} asks for {} (0 to {})", where(), value.literal, most));
      }
      if (value.is_register && value.reg >= in_stack.registers()) {
        return Invalid(
            fmt::format("{} reads register #{} of {}", where(), value.reg, in_stack.registers()));
      }
      if (instr.op == Op::kRead || instr.op == Op::kWrite) {
        if (card.var() >= out.shared) {
          return Invalid(
              fmt::format("{} names shared variable #{} of {}", where(), card.var(), out.shared));
        }
        instr.var = card.var();
      }
      if (instr.op == Op::kNotify || instr.op == Op::kAwait) {
        const auto channel = out.LocalChannel(card.channel());
        const auto peer = out.LocalStack(card.peer());
        if (!channel || !peer) {
          return Invalid(fmt::format("{} names channel id {} or stack id {}, not listed", where(),
                                     card.channel(), card.peer()));
        }
        const Channel& ends = program.channels[*channel];
        const bool joins = instr.op == Op::kNotify ? ends.from == s && ends.to == *peer
                                                   : ends.to == s && ends.from == *peer;
        if (!joins) {
          return Invalid(fmt::format("{}: channel id {} does not join it to its peer", where(),
                                     card.channel()));
        }
        instr.channel = *channel;  // the peer is the channel's other end
      }
      program.code.push_back(instr);
      ++stack.code_size;
    }
    return Status::Ok();
  });
}

}  // namespace

wire::NodeProgram NodeProgramToWire(const Program& program, const std::vector<uint32_t>& stack_node,
                                    const std::vector<RunNode>& nodes, uint32_t self) {
  return Slice(program, stack_node, nodes, self, Own(stack_node, self));
}

std::string NodeProgramBytes(const Program& program, const std::vector<uint32_t>& stack_node,
                             const std::vector<RunNode>& nodes, uint32_t self) {
  const std::vector<bool> mine = Own(stack_node, self);
  wire::NodeProgram piece;
  // Two passes: the pieces' sizes, then the bytes into a string of exactly
  // that size (appending to a growing one leaves up to twice the bytes
  // allocated, and a big deck's program is megabytes).
  size_t size = 0;
  Slice(program, stack_node, nodes, self, mine, piece, [&size](wire::NodeProgram& out) {
    size += out.ByteSizeLong();
    out.Clear();  // keeps the cleared messages for the next piece
  });
  std::string bytes;
  bytes.reserve(size);
  Slice(program, stack_node, nodes, self, mine, piece, [&bytes](wire::NodeProgram& out) {
    out.AppendToString(&bytes);
    out.Clear();
  });
  return bytes;
}

wire::NodeProgram AdoptedToWire(const Program& program, const std::vector<uint32_t>& stack_node,
                                const std::vector<RunNode>& nodes, uint32_t self,
                                const std::vector<StackId>& adopted) {
  std::vector<bool> mine(program.stacks.size());
  for (StackId s : adopted) mine[s] = true;
  return Slice(program, stack_node, nodes, self, mine);
}

std::string ProgramKey(std::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

namespace {

// `header`'s nodes, self and counts checked, then the entries merged in.
template <typename Entries>
StatusOr<NodeProgram> ProgramOf(const wire::NodeProgram& header, const Entries& entries) {
  const auto counts = Count(entries, header.self());
  if (!counts.ok()) return counts.status();
  NodeProgram out;
  if (header.nodes_size() == 0) return Invalid("names no node");
  if (header.self() >= static_cast<uint32_t>(header.nodes_size())) {
    return Invalid(fmt::format("self is node #{} of {}", header.self(), header.nodes_size()));
  }
  for (const wire::RunNode& node : header.nodes()) {
    if (node.name().empty() || node.address().empty()) {
      return Invalid("a node has no name or address");
    }
    out.nodes.push_back(RunNode{node.name(), node.address()});
  }
  out.self = header.self();
  out.deck_stacks = header.deck_stacks();
  out.deck_channels = header.deck_channels();
  out.program.file = header.deck_name();
  out.shared = header.shared();  // a count: the node keeps no shared variable
  if (Status s = Merge(entries, *counts, out); !s.ok()) return s;
  if (out.Own().empty()) {
    return Invalid(fmt::format("no stack runs on node {}", out.nodes[out.self].name));
  }
  return out;
}

}  // namespace

StatusOr<NodeProgram> NodeProgramFromWire(const wire::NodeProgram& wire) {
  return ProgramOf(wire, ParsedEntries(wire));
}

StatusOr<NodeProgram> NodeProgramFromBytes(std::string_view bytes) {
  const SerializedEntries entries(bytes);
  auto header = entries.Header();
  if (!header.ok()) return header.status();
  return ProgramOf(*header, entries);
}

StatusOr<NodeProgram> ExtendNodeProgram(const NodeProgram& base, const wire::NodeProgram& adopted) {
  if (adopted.self() != base.self || adopted.deck_stacks() != base.deck_stacks ||
      adopted.deck_channels() != base.deck_channels ||
      adopted.nodes_size() != static_cast<int>(base.nodes.size()) ||
      adopted.shared() != base.shared) {
    return Invalid("the stacks taken over belong to another run's program");
  }
  NodeProgram out = base;
  const ParsedEntries entries(adopted);
  const auto counts = Count(entries, out.self);
  if (!counts.ok()) return counts.status();
  if (Status s = Merge(entries, *counts, out); !s.ok()) return s;
  return out;
}

void ToWire(const msg::Reroute& reroute, wire::Reroute* out) {
  for (const msg::Move& move : reroute.moves) {
    wire::Move* added = out->add_moves();
    added->set_stack(move.stack);
    added->set_node(move.node);
  }
  if (const auto& a = reroute.adopted) {
    *out->mutable_adopted() =
        AdoptedToWire(*a->program, a->placement, *a->nodes, a->self, a->stacks);
  }
}

StatusOr<msg::RerouteAtNode> FromWire(const wire::Reroute& reroute, const NodeProgram& base) {
  msg::RerouteAtNode out;
  out.base = &base;
  if (reroute.has_adopted()) {
    auto grown = ExtendNodeProgram(base, reroute.adopted());
    if (!grown.ok()) return grown.status();
    out.grown = std::make_shared<const NodeProgram>(std::move(grown).value());
  }
  out.moves.reserve(reroute.moves_size());
  for (const wire::Move& move : reroute.moves()) {
    out.moves.push_back(msg::Move{move.stack(), move.node()});
  }
  return out;
}

}  // namespace cardflow
