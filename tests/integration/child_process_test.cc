// A node a test starts dies with the test: ChildProcess (SpawnTied) has the
// kernel SIGKILL the program when the test that started it dies without
// running the destructor (an abort, a crash, CTest's timeout kill).
#include "tests/child_process.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>

#include "tests/integration/node_process.h"

namespace cardflow::testing {
namespace {

// A descriptor that becomes readable when process `pid` ends (Linux 5.3+).
int PidFd(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

TEST(ChildProcessTest, NodeDiesWithTheTestProcessThatStartedIt) {
  // The "test" that dies: a forked copy of this (single-threaded) binary
  // starts a real node, tells us its pid, and is SIGKILLed — no destructor.
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t test = fork();
  ASSERT_GE(test, 0);
  if (test == 0) {
    close(pipe_fds[0]);
    std::string error;
    auto node = NodeProcess::Start("X", &error);
    const pid_t node_pid = node ? node->pid() : -1;
    (void)!write(pipe_fds[1], &node_pid, sizeof node_pid);
    for (;;) pause();  // until SIGKILLed
  }
  close(pipe_fds[1]);
  pid_t node_pid = -1;
  ASSERT_EQ(read(pipe_fds[0], &node_pid, sizeof node_pid), static_cast<ssize_t>(sizeof node_pid));
  close(pipe_fds[0]);
  ASSERT_GT(node_pid, 0) << "the node did not come up";
  // Held before the kill: the pid cannot be reused under us.
  const int node_fd = PidFd(node_pid);
  ASSERT_GE(node_fd, 0) << "pidfd_open: " << errno;
  ASSERT_EQ(kill(node_pid, 0), 0) << "the node should be running";

  ASSERT_EQ(kill(test, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(test, &status, 0), test);
  ASSERT_TRUE(WIFSIGNALED(status));

  // The node ends on its own — the kernel's doing; nobody here signals it.
  pollfd ended{node_fd, POLLIN, 0};
  const int ready = poll(&ended, 1, 10'000);
  if (ready != 1) kill(node_pid, SIGKILL);  // do not leave it behind either way
  close(node_fd);
  EXPECT_EQ(ready, 1) << "node " << node_pid << " outlived the test that started it";
}

TEST(ChildProcessTest, ExecFailureIsReportedWithThePath) {
  EXPECT_EQ(ChildProcess::Spawn({"/nonexistent/cardflow-node"}), nullptr);
  std::string error;
  EXPECT_EQ(SpawnTied({"/nonexistent/cardflow-node"}, 0, 1, 2, &error), -1);
  EXPECT_EQ(error, "cannot start /nonexistent/cardflow-node: No such file or directory");
}

}  // namespace
}  // namespace cardflow::testing
