// The litmus decks the tests of every placement share: the spec's transfer,
// store buffering, load buffering, a callback chain, and a callback that can
// be missed while in flight. (Message passing and IRIW are examples/.)
#pragma once

namespace cardflow::testing {

inline constexpr char kTransferDeck[] = R"(# transfer.deck
shared balance = 100

stack A on X:
    read balance -> a
    add a 50
    write a -> balance
    notify B

stack B on Y:
    await A
    read balance -> b
    mul b 2
    write b -> balance

expect balance == 300
)";

inline constexpr char kStoreBufferingDeck[] = R"(shared x
shared y

stack A:
    write 1 -> x
    read y -> r

stack B:
    write 1 -> y
    read x -> r

outcome A.r, B.r
)";

// B can see flag == 1 and still miss A's callback (none mode only).
inline constexpr char kMissedDeck[] = R"(shared flag

stack A:
    notify B 7
    write 1 -> flag

stack B:
    read flag -> f
    await A -> r

outcome B.f, B.r
)";

// Load buffering: each stack reads before it writes; r = 1 on both sides
// is not sequentially consistent and never happens.
inline constexpr char kLoadBufferingDeck[] = R"(shared x
shared y

stack A:
    read x -> r
    write 1 -> y

stack B:
    read y -> r
    write 1 -> x

outcome A.r, B.r
)";

// A callback chain: A tells B, B tells C, each adding to what it got.
inline constexpr char kCallbackChainDeck[] = R"(shared total

stack A:
    set v 1
    notify B v

stack B:
    await A -> v
    add v 10
    notify C v

stack C:
    await B -> v
    add v 100
    write v -> total

outcome total
)";

}  // namespace cardflow::testing
