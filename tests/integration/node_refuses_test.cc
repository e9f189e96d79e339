// cardflow-node refuses mistakes instead of serving wrongly: a port another
// node holds (gRPC's SO_REUSEPORT would let both bind it and split the
// connections), a name that is no name, a --listen that is no address.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include "tests/child_process.h"
#include "tests/integration/node_process.h"
#include "tests/test_paths.h"

namespace cardflow::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr std::chrono::seconds kExitWithin{20};

std::unique_ptr<ChildProcess> StartNode(std::vector<std::string> args) {
  args.insert(args.begin(), BinDir() + "/cardflow-node");
  return ChildProcess::Spawn(std::move(args));
}

TEST(NodeRefusesTest, ASecondNodeOnABoundPortExits1SayingTheAddressIsInUse) {
  std::string error;
  const std::unique_ptr<NodeProcess> first = NodeProcess::Start("X", &error);
  ASSERT_NE(first, nullptr) << error;

  const std::unique_ptr<ChildProcess> second =
      StartNode({"--name", "Y", "--listen", first->address()});
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->Wait(kExitWithin), 1) << second->Log();
  EXPECT_THAT(second->Log(), HasSubstr("node Y cannot listen on " + first->address() +
                                       ": address already in use"));
  // ... in those words only, not with gRPC's nested error tree beside them.
  EXPECT_THAT(second->Log(), Not(HasSubstr("grpc:"))) << second->Log();

  // The first one still serves, alone.
  first->Signal(SIGTERM);
  EXPECT_EQ(first->Wait(kExitWithin), 0) << first->Log();
}

TEST(NodeRefusesTest, ANameOutsideLettersDigitsUnderscoreDotAndDashIsExit2) {
  for (const std::string name : {"", "x y", "X/1", "é"}) {
    const std::unique_ptr<ChildProcess> node =
        StartNode({"--name", name, "--listen", "127.0.0.1:0"});
    ASSERT_NE(node, nullptr);
    EXPECT_EQ(node->Wait(kExitWithin), 2) << "--name '" << name << "': " << node->Log();
    EXPECT_THAT(node->Log(), HasSubstr("--name '" + name +
                                       "': a node name is one or more letters, digits, '_', '.' "
                                       "and '-'"));
  }
}

TEST(NodeRefusesTest, ThreadsOutsideOneTo1024IsExit2AsForTheCoordinator) {
  for (const std::string threads : {"0", "-1", "1025"}) {
    const std::unique_ptr<ChildProcess> node =
        StartNode({"--name", "X", "--listen", "127.0.0.1:0", "--threads", threads});
    ASSERT_NE(node, nullptr);
    EXPECT_EQ(node->Wait(kExitWithin), 2) << "--threads " << threads << ": " << node->Log();
    EXPECT_THAT(node->Log(), HasSubstr("--threads: Value " + threads + " not in range 1 to 1024"));
  }
}

TEST(NodeRefusesTest, AListenThatIsNoAddressIsExit2) {
  for (const std::string listen : {"7001", ":", ":x", "127.0.0.1:70000", "127.0.0.1:-1"}) {
    const std::unique_ptr<ChildProcess> node = StartNode({"--name", "X", "--listen", listen});
    ASSERT_NE(node, nullptr);
    EXPECT_EQ(node->Wait(kExitWithin), 2) << "--listen " << listen << ": " << node->Log();
    EXPECT_THAT(node->Log(), HasSubstr("--listen " + listen + ": expected HOST:PORT or :PORT"));
  }
}

TEST(NodeRefusesTest, ListenColonPortIsEveryInterface) {
  const std::unique_ptr<ChildProcess> node = StartNode({"--name", "X", "--listen", ":0"});
  ASSERT_NE(node, nullptr);
  std::string line;
  ASSERT_TRUE(node->ReadLine(std::chrono::steady_clock::now() + kExitWithin, &line)) << node->Log();
  EXPECT_THAT(line, StartsWith("listening on 0.0.0.0:"));
  EXPECT_NE(line, "listening on 0.0.0.0:0");
  node->Signal(SIGTERM);
  EXPECT_EQ(node->Wait(kExitWithin), 0) << node->Log();
}

}  // namespace
}  // namespace cardflow::testing
