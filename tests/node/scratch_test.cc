#include <gtest/gtest.h>
#include <chrono>
#include <cstdio>
#include "common/deck/load.h"
#include "common/local/local_runner.h"
#include "coordinator/cluster/run_cluster.h"
#include "tests/node/cluster_decks.h"
namespace cardflow {
TEST(Scratch, Chain) {
  int n = getenv("N") ? atoi(getenv("N")) : 1000;
  std::string text = cardflow::testing::ChainDeck(n);
  auto t0 = std::chrono::steady_clock::now();
  auto loaded = LoadDeck(text, "chain", Ordering::kCallbacks);
  auto t1 = std::chrono::steady_clock::now();
  printf("load %.3f ms\n", std::chrono::duration<double, std::milli>(t1 - t0).count());
  LocalOptions lo; lo.runs = 2;
  auto t2 = std::chrono::steady_clock::now();
  RunLocal(*loaded.program, lo);
  auto t3 = std::chrono::steady_clock::now();
  printf("local %.3f ms\n", std::chrono::duration<double, std::milli>(t3 - t2).count());
  ClusterOptions co; co.loopback = 2; co.runs = 2;
  auto r = RunCluster(*loaded.program, text, co);
  auto t4 = std::chrono::steady_clock::now();
  printf("remote %.3f ms ok=%d\n", std::chrono::duration<double, std::milli>(t4 - t3).count(), r.ok());
}
}
