// A deck with `repeat` runs exactly like its hand-unrolled copy: same seed,
// same report, in both ordering modes.
#include <gtest/gtest.h>

#include <string>

#include "common/local/local_runner.h"
#include "common/report/report.h"
#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

using testing::MustLoad;

constexpr std::string_view kRepeated = R"(shared count
stack A:
    repeat 3:
        read count -> a
        add a 1
        write a -> count
        notify B
stack B:
    repeat 3:
        await A
        read count -> b
        repeat 2:
            add b 1
        write b -> count
expect count == 9
)";

constexpr std::string_view kHandUnrolled = R"(shared count
stack A:
    read count -> a
    add a 1
    write a -> count
    notify B
    read count -> a
    add a 1
    write a -> count
    notify B
    read count -> a
    add a 1
    write a -> count
    notify B
stack B:
    await A
    read count -> b
    add b 1
    add b 1
    write b -> count
    await A
    read count -> b
    add b 1
    add b 1
    write b -> count
    await A
    read count -> b
    add b 1
    add b 1
    write b -> count
expect count == 9
)";

TEST(RepeatRunTest, SameOutcomesAsTheHandUnrolledDeck) {
  for (Ordering ordering : {Ordering::kCallbacks, Ordering::kNone}) {
    LocalOptions options;
    options.ordering = ordering;
    options.runs = 400;
    options.seed = 5;
    const Report repeated = RunLocal(MustLoad(kRepeated, ordering), options);
    const Report unrolled = RunLocal(MustLoad(kHandUnrolled, ordering), options);
    EXPECT_EQ(ReportToJson(repeated), ReportToJson(unrolled)) << OrderingName(ordering);
    // Lost updates are possible: the runs do reach several outcomes.
    EXPECT_GT(repeated.outcomes.size(), 1u) << OrderingName(ordering);
  }
}

TEST(RepeatRunTest, ARunErrorNamesTheIteration) {
  // The third iteration divides by zero.
  const Program program = MustLoad(R"(stack A:
    set d 3
    repeat 4:
        sub d 1
        repeat 2:
            set q 6
            div q d
)");
  const RunResult run = RunLocalOnce(program, Ordering::kCallbacks, 1);
  ASSERT_TRUE(run.error.has_value());
  EXPECT_EQ(run.error->message,
            "stack A, card 14 `div q d` (line 7, iteration 3.1): division by zero");
}

}  // namespace
}  // namespace cardflow
