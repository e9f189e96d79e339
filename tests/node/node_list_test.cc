// The coordinator's node list (--nodes-file, merged with --node): valid and
// invalid files, table-driven, and what merging with the flags allows.
#include "coordinator/cluster/node_list.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cardflow {
namespace {

std::string Names(const std::vector<NodeAddress>& nodes) {
  std::string out;
  for (const NodeAddress& node : nodes) out += node.name + "=" + node.address + " ";
  return out;
}

struct ValidCase {
  const char* name;
  const char* text;
  const char* nodes;  // "NAME=ADDRESS " each, in order
};

class NodeListValidTest : public ::testing::TestWithParam<ValidCase> {};

TEST_P(NodeListValidTest, Parses) {
  const StatusOr<std::vector<NodeAddress>> nodes = ParseNodeList(GetParam().text, "nodes.txt");
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  EXPECT_EQ(Names(*nodes), GetParam().nodes);
}

INSTANTIATE_TEST_SUITE_P(
    Files, NodeListValidTest,
    ::testing::Values(ValidCase{"OneLine", "X=10.0.0.2:7001", "X=10.0.0.2:7001 "},
                      ValidCase{"InOrder", "Y=b:2\nX=a:1\n", "Y=b:2 X=a:1 "},
                      ValidCase{"CommentsAndBlanks",
                                "# the LAN\n\nX=a:1   # first\n  \n\tY=b:2\n#Z=c:3\n",
                                "X=a:1 Y=b:2 "},
                      ValidCase{"CrLf", "X=a:1\r\nY=b:2\r\n", "X=a:1 Y=b:2 "},
                      ValidCase{"Ipv6", "X=[::1]:7001\n", "X=[::1]:7001 "}),
    [](const ::testing::TestParamInfo<ValidCase>& test) { return test.param.name; });

struct InvalidCase {
  const char* name;
  const char* text;
  const char* message;  // the whole message
};

class NodeListInvalidTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(NodeListInvalidTest, SaysWhereAndWhat) {
  const StatusOr<std::vector<NodeAddress>> nodes = ParseNodeList(GetParam().text, "nodes.txt");
  ASSERT_FALSE(nodes.ok()) << Names(*nodes);
  EXPECT_EQ(nodes.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(nodes.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Files, NodeListInvalidTest,
    ::testing::Values(InvalidCase{"Empty", "", "nodes.txt: no nodes"},
                      InvalidCase{"OnlyComments", "# nothing yet\n\n", "nodes.txt: no nodes"},
                      InvalidCase{"NoName", "X=a:1\n=b:2\n",
                                  "nodes.txt:2: expected NAME=HOST:PORT, got \"=b:2\""},
                      InvalidCase{"NoPort", "X=a\n",
                                  "nodes.txt:1: expected NAME=HOST:PORT, got \"X=a\""},
                      InvalidCase{"NoEquals", "\n\nX a:1\n",
                                  "nodes.txt:3: expected NAME=HOST:PORT, got \"X a:1\""},
                      InvalidCase{"SpaceAroundEquals", "X = a:1\n",
                                  "nodes.txt:1: expected NAME=HOST:PORT, got \"X = a:1\""},
                      InvalidCase{"TwoOnALine", "X=a:1 Y=b:2\n",
                                  "nodes.txt:1: expected NAME=HOST:PORT, got \"X=a:1 Y=b:2\""},
                      InvalidCase{"NameTwice", "X=a:1\n# again\nX=b:2\n",
                                  "nodes.txt:3: node X is named twice (first on line 1)"},
                      InvalidCase{"NameTwiceSameAddress", "X=a:1\nX=a:1\n",
                                  "nodes.txt:2: node X is named twice (first on line 1)"}),
    [](const ::testing::TestParamInfo<InvalidCase>& test) { return test.param.name; });

TEST(NodeListTest, MergeKeepsTheFileFirstThenTheFlags) {
  const auto merged = MergeNodeLists({{"X", "a:1"}, {"Y", "b:2"}}, "nodes.txt", {{"Z", "c:3"}});
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(Names(*merged), "X=a:1 Y=b:2 Z=c:3 ");
}

TEST(NodeListTest, MergeRefusesANameInBoth) {
  const auto merged = MergeNodeLists({{"X", "a:1"}}, "nodes.txt", {{"X", "c:3"}});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().message(), "--node X=c:3: node X is named twice (once in nodes.txt)");
}

TEST(NodeListTest, MergeAllowsTwoNamesAtOneAddress) {
  // As --node always has: two names may share an address.
  const auto merged = MergeNodeLists({{"X", "a:1"}}, "nodes.txt", {{"Z", "a:1"}});
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(Names(*merged), "X=a:1 Z=a:1 ");
}

TEST(NodeListTest, MergeRefusesAFlagGivenTwice) {
  const auto merged = MergeNodeLists({}, "", {{"X", "a:1"}, {"X", "b:2"}});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().message(), "--node X=b:2: node X is named twice");
}

TEST(NodeListTest, UnreadableFileIsInvalidArgument) {
  const auto nodes = ReadNodeListFile("/nonexistent/nodes.txt");
  ASSERT_FALSE(nodes.ok());
  EXPECT_EQ(nodes.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(nodes.status().message(),
            "--nodes-file /nonexistent/nodes.txt: cannot read the file: No such file or directory");
  EXPECT_EQ(ReadNodeListFile("/").status().message(),
            "--nodes-file /: cannot read the file: it is a directory");
}

}  // namespace
}  // namespace cardflow
