// The litmus decks the tests of every placement share: the spec's transfer,
// store buffering, and a callback that can be missed while in flight.
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

}  // namespace cardflow::testing
