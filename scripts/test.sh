#!/usr/bin/env bash
# THE test command (README.md, .ci/run): install the Debian packages,
# configure the `default` preset into build/, build everything, run every
# test; then the sanitizer suites (CMakePresets.json), so that a
# use-after-free, a leak, undefined behaviour or a data race fails CI:
#   asan  AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer,
#         every test but the Docker and Kubernetes ones (no code of ours
#         to instrument; they run once, above), in build-asan/;
#   tsan  ThreadSanitizer on the suites without gRPC (deck, engine, local,
#         verify, report, trace, check, schedule) and on the gRPC-free tests
#         of the node, proto and cluster suites (RemoteEffects with its
#         threads, the stream outbox, the run table: preset tsan-rpc-free),
#         in build-tsan/; and the tests that talk gRPC which are clean
#         under TSan (preset tsan-rpc). Debian's gRPC and Abseil are not
#         built with TSan, so their own synchronisation is invisible to it:
#         our reactors annotate the edges gRPC gives them
#         (common/base/tsan_edges.h), the point where gRPC's header code
#         hands operations to its library and gets them back is wrapped
#         (proto/tsan_grpc_edges.h), and the libraries' own memory
#         functions are suppressed (tests/sanitizers/tsan-rpc.supp);
#   clang the code whose locking is annotated (GUARDED_BY, REQUIRES:
#         common/base/mutex.h) built by clang with -Wthread-safety as an
#         error, in build-clang/;
#   fuzz  each libFuzzer target of fuzz/ for CARDFLOW_FUZZ_SECONDS (30)
#         from its corpus (scripts/fuzz.sh), in build-fuzz/.
# Two jobs: fast on a 2-core machine without running out of memory.
#
#   CARDFLOW_SANITIZERS=0 scripts/test.sh   the default build only, none of
#                                           the above (a quick local run;
#                                           ignored when CI=true)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
cmake --preset default
cmake --build --preset default -j2
ctest --preset default --output-on-failure -j2

if [ "${CARDFLOW_SANITIZERS:-1}" = 0 ] && [ "${CI:-}" != true ]; then
  echo "test.sh: CARDFLOW_SANITIZERS=0: the sanitizer, thread-safety and fuzz builds are not run"
  exit 0
fi

start=$SECONDS
cmake --preset asan
cmake --build --preset asan -j2
ctest --preset asan -j2
echo "test.sh: the ASan+UBSan suite passed ($((SECONDS - start)) s to build and run)"

start=$SECONDS
cmake --preset tsan
cmake --build --preset tsan -j2 --target deck_test engine_test local_test verify_test report_test \
  trace_test check_test schedule_test run_test
ctest --preset tsan -j2
# The gRPC-free tests of the suites that also talk gRPC (see above).
cmake --build --preset tsan -j2 --target node_test proto_test cluster_unit_test
ctest --preset tsan-rpc-free -j2
# The tests that talk gRPC and are clean under TSan (see above).
cmake --build --preset tsan -j2 --target loopback_test
ctest --preset tsan-rpc -j2
echo "test.sh: the TSan suites passed ($((SECONDS - start)) s to build and run)"

start=$SECONDS
cmake --preset clang
# The annotated code, as object files (no libraries linked, nothing else
# built): every file of the node library (the reactors, the node's run, the
# peer streams, the registry, the outbox), the report server, the
# coordinator's cluster run, run loop, run table and node calls, the local
# runs' sequencer, and the coordinator's progress bar and metrics.
mapfile -t objects < <(ninja -C build-clang -t targets all |
  grep -oE '^(node/CMakeFiles/cardflow_node_lib|coordinator/reports/CMakeFiles/cardflow_reports)\.dir/[a-z_]+\.cc\.o')
objects+=(coordinator/cluster/CMakeFiles/cardflow_cluster.dir/cluster_run.cc.o
  coordinator/cluster/CMakeFiles/cardflow_cluster.dir/run_table.cc.o
  coordinator/cluster/CMakeFiles/cardflow_cluster.dir/node_call.cc.o
  coordinator/cluster/CMakeFiles/cardflow_cluster.dir/run_loop.cc.o
  common/local/CMakeFiles/cardflow_local.dir/sequencer.cc.o
  coordinator/CMakeFiles/cardflow_coordinator_lib.dir/progress.cc.o
  coordinator/CMakeFiles/cardflow_coordinator_lib.dir/coordinator_metrics.cc.o)
cmake --build --preset clang -j2 --target "${objects[@]}"
echo "test.sh: the thread-safety build of ${#objects[@]} files passed ($((SECONDS - start)) s)"

start=$SECONDS
bash scripts/fuzz.sh
echo "test.sh: the fuzz targets ran without a crash ($((SECONDS - start)) s to build and run)"
