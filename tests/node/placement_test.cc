#include "coordinator/cluster/placement.h"

#include <gtest/gtest.h>

#include "coordinator/cluster/cluster_options.h"
#include "tests/local/deck_fixture.h"

namespace cardflow {
namespace {

using testing::MustLoad;
using Names = std::vector<std::string>;

constexpr char kDeck[] = R"(
stack A on X:
    set r 1
stack B:
    set r 1
stack C:
    set r 1
stack D on Y:
    set r 1
stack E:
    set r 1
)";

TEST(PlacementTest, HintsFirstThenRoundRobinOverTheRest) {
  const Program program = MustLoad(kDeck);
  auto placement = PlaceStacks(program, {"X", "Y", "Z"}, {});
  ASSERT_TRUE(placement.ok()) << placement.status().ToString();
  EXPECT_EQ(*placement, (Names{"X", "X", "Y", "Y", "Z"}));
}

TEST(PlacementTest, OverridesBeatHints) {
  const Program program = MustLoad(kDeck);
  auto placement = PlaceStacks(program, {"X", "Y"}, {{"A", "Y"}, {"C", "X"}});
  ASSERT_TRUE(placement.ok()) << placement.status().ToString();
  EXPECT_EQ(*placement, (Names{"Y", "X", "X", "Y", "Y"}));
}

TEST(PlacementTest, UnknownNodesAndStacksAreArgumentErrors) {
  const Program program = MustLoad(kDeck);
  auto hint = PlaceStacks(program, {"X", "Z"}, {});
  ASSERT_FALSE(hint.ok());
  EXPECT_EQ(hint.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(hint.status().message().find("stack D is placed on node Y"), std::string::npos)
      << hint.status().message();

  // Every stack on a missing node is named, by node, with what to do.
  auto every = PlaceStacks(program, {"Z"}, {{"B", "X"}, {"C", "Q"}});
  ASSERT_FALSE(every.ok());
  EXPECT_EQ(every.status().message(),
            "stacks A, B are placed on node X (`on` in the deck and --place); stack C is placed "
            "on node Q (--place); stack D is placed on node Y (`on` in the deck), but no node X "
            "or Q or Y was given (nodes: Z): give them (--node NAME=HOST:PORT) or place the "
            "stacks on a node given (--place STACK=NODE, e.g. --place A=Z)");

  // Many stacks: the first eight named, the rest counted.
  auto many = PlaceStacks(MustLoad("stack A on Q:\n    set r 1\n" +
                                   [] {
                                     std::string more;
                                     for (int i = 1; i <= 9; ++i) {
                                       more +=
                                           "stack S" + std::to_string(i) + " on Q:\n    set r 1\n";
                                     }
                                     return more;
                                   }()),
                          {"X"}, {});
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.status().message().find(
                "stacks A, S1, S2, S3, S4, S5, S6, S7 and 2 more are placed on node Q"),
            std::string::npos)
      << many.status().message();

  auto node = PlaceStacks(program, {"X", "Y"}, {{"B", "Q"}});
  ASSERT_FALSE(node.ok());
  EXPECT_NE(node.status().message().find("--place"), std::string::npos);

  auto stack = PlaceStacks(program, {"X", "Y"}, {{"Nope", "X"}});
  ASSERT_FALSE(stack.ok());
  EXPECT_NE(stack.status().message().find("no stack Nope"), std::string::npos);

  EXPECT_FALSE(PlaceStacks(program, {}, {}).ok());
}

TEST(PlacementTest, PlaceAllOnOverridesEveryStack) {
  const Program program = MustLoad(kDeck);
  auto placement = PlaceStacks(program, {"X", "Y"}, PlaceAllOn(program, "Y"));
  ASSERT_TRUE(placement.ok());
  EXPECT_EQ(*placement, Names(5, "Y"));
}

TEST(PlacementTest, LoopbackNodesAreNamedAfterThePlacementThenNumbered) {
  const Program program = MustLoad(kDeck);
  EXPECT_EQ(*LoopbackNodeNames(program, 2, {}), (Names{"X", "Y"}));
  EXPECT_EQ(*LoopbackNodeNames(program, 4, {}), (Names{"X", "Y", "n1", "n2"}));
  EXPECT_EQ(*LoopbackNodeNames(program, 3, {{"B", "n1"}}), (Names{"X", "n1", "Y"}));
  EXPECT_FALSE(LoopbackNodeNames(program, 1, {}).ok());
  EXPECT_FALSE(LoopbackNodeNames(program, 0, {}).ok());
}

TEST(ClusterFlagsTest, NodeAndPlaceFlagsParse) {
  auto node = ParseNodeFlag("X=10.0.0.7:7000");
  ASSERT_TRUE(node.ok());
  EXPECT_EQ(node->name, "X");
  EXPECT_EQ(node->address, "10.0.0.7:7000");
  EXPECT_FALSE(ParseNodeFlag("X").ok());
  EXPECT_FALSE(ParseNodeFlag("X=host").ok());
  EXPECT_FALSE(ParseNodeFlag("=h:1").ok());
  auto place = ParsePlaceFlag("A=Y");
  ASSERT_TRUE(place.ok());
  EXPECT_EQ(place->first, "A");
  EXPECT_EQ(place->second, "Y");
  EXPECT_EQ(ParsePlaceFlag("A=").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cardflow
