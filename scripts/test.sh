#!/usr/bin/env bash
# THE test command (README.md, .ci/run): install the Debian packages,
# configure the `default` preset into build/, build everything, run every
# test; then the sanitizer suites (CMakePresets.json), so that a
# use-after-free, a leak, undefined behaviour or a data race fails CI:
#   asan  AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer,
#         every test but the Docker and Kubernetes ones (no code of ours
#         to instrument; they run once, above), in build-asan/;
#   tsan  ThreadSanitizer on the suites without gRPC (deck, engine, local,
#         verify, report, trace, check, schedule; Debian's gRPC is not built
#         with TSan, so its locking is invisible to it), in build-tsan/.
# Two jobs: fast on a 2-core machine without running out of memory.
#
#   CARDFLOW_SANITIZERS=0 scripts/test.sh   the default build only (a quick
#                                           local run; ignored when CI=true)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
cmake --preset default
cmake --build --preset default -j2
ctest --preset default --output-on-failure -j2

if [ "${CARDFLOW_SANITIZERS:-1}" = 0 ] && [ "${CI:-}" != true ]; then
  echo "test.sh: CARDFLOW_SANITIZERS=0: the sanitizer suites are not run"
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
  trace_test check_test schedule_test
ctest --preset tsan -j2
echo "test.sh: the TSan suites passed ($((SECONDS - start)) s to build and run)"
