#include "common/deck/callback_order.h"

#include <algorithm>
#include <limits>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/deck/unroll.h"

namespace cardflow {
namespace {

constexpr ChannelId kNoChannel = std::numeric_limits<ChannelId>::max();
constexpr StackId kNoStack = std::numeric_limits<StackId>::max();

std::string Times(size_t n) {
  if (n == 1) return "once";
  if (n == 2) return "twice";
  return std::to_string(n) + " times";
}

// "(line 4)", "(lines 4 and 7)", "(lines 4, 7 and 9)", "(lines 4, 7, 9, 11, 12, ...)";
// a line that appears more than once (a card in a repeat) says how often:
// "(line 4, 3 times)", "(lines 4 (3 times) and 9)".
std::string LineList(const std::vector<int>& lines) {
  std::vector<std::pair<int, size_t>> distinct;  // line, times, in order of first appearance
  std::unordered_map<int, size_t> index;         // line -> its entry in distinct
  for (int line : lines) {
    const auto [it, added] = index.try_emplace(line, distinct.size());
    if (added) distinct.emplace_back(line, 0);
    ++distinct[it->second].second;
  }
  if (distinct.size() == 1) {
    std::string out = "(line " + std::to_string(distinct[0].first);
    if (distinct[0].second > 1) out += ", " + Times(distinct[0].second);
    return out + ")";
  }
  constexpr size_t kShown = 5;
  std::string out = "(lines ";
  for (size_t i = 0; i < distinct.size() && i < kShown; ++i) {
    if (i > 0) out += i + 1 == distinct.size() ? " and " : ", ";
    out += std::to_string(distinct[i].first);
    if (distinct[i].second > 1) out += " (" + Times(distinct[i].second) + ")";
  }
  if (distinct.size() > kShown) out += ", ...";
  return out + ")";
}

// Lists of card indices by channel, in one array: list c is
// cards[begin[c], begin[c + 1]).
struct CardLists {
  std::vector<uint32_t> begin;
  std::vector<uint32_t> cards;
  std::span<const uint32_t> operator[](ChannelId c) const {
    return {cards.data() + begin[c], cards.data() + begin[c + 1]};
  }
};

class CallbackOrder {
 public:
  CallbackOrder(const Deck& deck, const SymbolTable& symbols, DiagnosticSink& sink)
      : deck_(deck), channels_(symbols.channels()), sink_(sink) {
    first_card_.reserve(deck.stacks.size() + 1);
    size_t cards = 0;
    for (const StackDecl& stack : deck.stacks) {
      first_card_.push_back(static_cast<uint32_t>(cards));
      cards += stack.cards.size();
    }
    first_card_.push_back(static_cast<uint32_t>(cards));
    card_channel_.assign(cards, kNoChannel);
    for (StackId id = 0; id < deck.stacks.size(); ++id) {
      const std::vector<Card>& stack_cards = deck.stacks[id].cards;
      for (uint32_t i = 0; i < stack_cards.size(); ++i) {
        const Card& card = stack_cards[i];
        if (card.op != Op::kNotify && card.op != Op::kAwait) continue;
        const std::optional<StackId> peer = symbols.FindStack(card.target.text);
        if (!peer || *peer == id) continue;
        const bool notify = card.op == Op::kNotify;
        card_channel_[first_card_[id] + i] =
            *symbols.FindChannel(notify ? id : *peer, notify ? *peer : id);
      }
    }
    notifies_ = CardsByChannel(Op::kNotify);
    awaits_ = CardsByChannel(Op::kAwait);
  }

  void Run() {
    ReportUnmatchedAwaits();
    RunSymbolically();
    ReportCycles();
  }

 private:
  std::string StackName(StackId id) const { return std::string(deck_.stacks[id].name.text); }
  const Card& CardAt(StackId stack, uint32_t index) const {
    return deck_.stacks[stack].cards[index];
  }
  ChannelId CardChannel(StackId stack, uint32_t index) const {
    return card_channel_[first_card_[stack] + index];
  }
  // The indices (in their stack) of the `op` cards on each channel, in card
  // order: counted, then placed, in two arrays for the whole deck.
  CardLists CardsByChannel(Op op) const;

  void ReportUnmatchedAwaits();
  void RunSymbolically();
  void ReportCycles();
  void ReportCycle(std::vector<StackId> cycle);

  const Deck& deck_;
  const std::vector<Channel>& channels_;
  DiagnosticSink& sink_;
  // By stack and card, flat: card i of stack s is at first_card_[s] + i (a
  // deck of 100,000 stacks would otherwise hold 300,000 small vectors here
  // at the peak of its loading).
  std::vector<uint32_t> first_card_;
  std::vector<ChannelId> card_channel_;  // kNoChannel: not a notify/await of another stack
  CardLists notifies_;                   // by channel: card indices in the sender
  CardLists awaits_;                     // by channel: card indices in the receiver
  std::vector<uint32_t> pc_;             // by stack, after RunSymbolically()
  std::vector<ChannelId> waiting_;       // by stack: the channel it is stuck on
  std::vector<uint32_t> received_;       // by channel
};

CardLists CallbackOrder::CardsByChannel(Op op) const {
  CardLists lists;
  lists.begin.assign(channels_.size() + 1, 0);
  const auto each_card = [&](auto&& visit) {
    for (StackId id = 0; id < deck_.stacks.size(); ++id) {
      const std::vector<Card>& cards = deck_.stacks[id].cards;
      for (uint32_t i = 0; i < cards.size(); ++i) {
        const ChannelId c = CardChannel(id, i);
        if (c != kNoChannel && cards[i].op == op) visit(c, i);
      }
    }
  };
  each_card([&](ChannelId c, uint32_t) { ++lists.begin[c + 1]; });
  for (size_t c = 1; c < lists.begin.size(); ++c) lists.begin[c] += lists.begin[c - 1];
  lists.cards.resize(lists.begin.back());
  std::vector<uint32_t> next(lists.begin.begin(), lists.begin.end() - 1);
  each_card([&](ChannelId c, uint32_t i) { lists.cards[next[c]++] = i; });
  return lists;
}

void CallbackOrder::ReportUnmatchedAwaits() {
  for (ChannelId c = 0; c < channels_.size(); ++c) {
    const size_t sent = notifies_[c].size();
    if (awaits_[c].size() <= sent) continue;
    const std::string sender = StackName(channels_[c].from);
    const std::string receiver = StackName(channels_[c].to);
    std::string message = receiver + " awaits " + sender + " " + Times(awaits_[c].size()) + " but ";
    if (sent == 0) {
      message += sender + " never notifies " + receiver;
    } else {
      std::vector<int> lines;
      for (uint32_t i : notifies_[c]) lines.push_back(CardAt(channels_[c].from, i).pos.line);
      message += sender + " notifies " + receiver + " " + Times(sent) + " " + LineList(lines);
    }
    const Card& await = CardAt(channels_[c].to, awaits_[c][sent]);
    sink_.Error(await.pos, InIteration(deck_, await) + message);
  }
}

void CallbackOrder::RunSymbolically() {
  const size_t stack_count = deck_.stacks.size();
  pc_.assign(stack_count, 0);
  waiting_.assign(stack_count, kNoChannel);
  received_.assign(channels_.size(), 0);
  std::vector<uint32_t> sent(channels_.size(), 0);
  std::vector<StackId> ready(stack_count);
  for (StackId id = 0; id < stack_count; ++id) ready[id] = id;
  while (!ready.empty()) {
    const StackId id = ready.back();
    ready.pop_back();
    const std::vector<Card>& cards = deck_.stacks[id].cards;
    for (uint32_t& pc = pc_[id]; pc < cards.size(); ++pc) {
      const ChannelId c = CardChannel(id, pc);
      if (c == kNoChannel) continue;
      if (cards[pc].op == Op::kAwait) {
        if (received_[c] == sent[c]) {
          waiting_[id] = c;
          break;
        }
        ++received_[c];
      } else {
        ++sent[c];
        const StackId receiver = channels_[c].to;
        if (waiting_[receiver] == c) {
          waiting_[receiver] = kNoChannel;
          ready.push_back(receiver);
        }
      }
    }
  }
}

void CallbackOrder::ReportCycles() {
  // Each stuck stack waits for one notify of one other stack, which is stuck
  // before it; unless its await is unmatched (already reported). Following
  // these links from any stuck stack ends at such an await or in a cycle.
  const size_t stack_count = deck_.stacks.size();
  std::vector<StackId> next(stack_count, kNoStack);
  for (StackId id = 0; id < stack_count; ++id) {
    const ChannelId c = waiting_[id];
    if (c != kNoChannel && received_[c] < notifies_[c].size()) next[id] = channels_[c].from;
  }
  enum : uint8_t { kNew, kOnPath, kDone };
  std::vector<uint8_t> state(stack_count, kNew);
  std::vector<StackId> path;
  for (StackId start = 0; start < stack_count; ++start) {
    path.clear();
    StackId id = start;
    while (id != kNoStack && state[id] == kNew) {
      state[id] = kOnPath;
      path.push_back(id);
      id = next[id];
    }
    if (id != kNoStack && state[id] == kOnPath) {
      ReportCycle({std::find(path.begin(), path.end(), id), path.end()});
    }
    for (StackId on_path : path) state[on_path] = kDone;
  }
}

void CallbackOrder::ReportCycle(std::vector<StackId> cycle) {
  const auto await_line = [&](StackId id) { return CardAt(id, pc_[id]).pos.line; };
  std::rotate(cycle.begin(),
              std::min_element(cycle.begin(), cycle.end(),
                               [&](StackId a, StackId b) { return await_line(a) < await_line(b); }),
              cycle.end());
  const Card& first_await = CardAt(cycle[0], pc_[cycle[0]]);
  constexpr size_t kShown = 6;
  std::string message = "deadlock: ";
  for (size_t i = 0; i < cycle.size() && i < kShown; ++i) {
    const StackId waiter = cycle[i];
    const StackId sender = cycle[(i + 1) % cycle.size()];
    const ChannelId c = waiting_[waiter];
    const Card& notify = CardAt(sender, notifies_[c][received_[c]]);
    if (i > 0) message += i + 1 == cycle.size() ? ", and " : ", ";
    message += StackName(waiter) + " waits at " + Where(deck_, CardAt(waiter, pc_[waiter])) +
               " for " + StackName(sender) + "'s notify at " + Where(deck_, notify);
  }
  if (cycle.size() > kShown) message += ", ... (" + std::to_string(cycle.size()) + " stacks)";
  message += "; each waits before it notifies, so none can go on";
  sink_.Error(first_await.pos, InIteration(deck_, first_await) + message);
}

}  // namespace

void CheckCallbackOrder(const Deck& deck, const SymbolTable& symbols, DiagnosticSink& sink) {
  CallbackOrder(deck, symbols, sink).Run();
}

}  // namespace cardflow
