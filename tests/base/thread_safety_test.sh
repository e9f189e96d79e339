#!/usr/bin/env bash
# Checks that common/base/mutex.h makes Clang's thread-safety analysis bite:
# thread_safety_locked.cc (every right use) compiles with -Wthread-safety
# -Werror, and each mistake in thread_safety_unlocked.cc fails to, with the
# analysis's own diagnostic. Without clang++ it skips (exit 77), and fails
# under CI=true (scripts/install-deps.sh installs clang).
#   thread_safety_test.sh SOURCE_DIR
set -uo pipefail
source_dir=${1:?usage: thread_safety_test.sh SOURCE_DIR}
clang=${CXX_CLANG:-clang++}
if ! command -v "$clang" >/dev/null; then
  if [ "${CI:-}" = true ]; then
    echo "thread_safety_test: $clang is missing (CI=true: failing instead of skipping)" >&2
    exit 1
  fi
  echo "thread_safety_test: $clang is missing: skipped"
  exit 77
fi
flags=(-std=c++20 -fsyntax-only -Wthread-safety -Werror=thread-safety -I"$source_dir")
here="$source_dir/tests/base"

if ! out=$("$clang" "${flags[@]}" "$here/thread_safety_locked.cc" 2>&1); then
  echo "FAIL: the right uses of Mutex do not compile:" >&2
  echo "$out" >&2
  exit 1
fi
echo "ok: the right uses compile"

failed=0
expect=(
  ""
  "writing variable 'count_' requires holding mutex 'mutex_' exclusively"
  "calling function 'AddLocked' requires holding mutex 'mutex_' exclusively"
  "reading variable 'count_' requires holding mutex 'mutex_'"
  "cannot call function 'Outer' while mutex 'mutex_' is held"
)
for c in 1 2 3 4; do
  if out=$("$clang" "${flags[@]}" -DCARDFLOW_CASE=$c "$here/thread_safety_unlocked.cc" 2>&1); then
    echo "FAIL: case $c compiled, but should not: ${expect[$c]}" >&2
    failed=1
  elif ! grep -qF -- "${expect[$c]}" <<<"$out"; then
    echo "FAIL: case $c failed, but not with \"${expect[$c]}\":" >&2
    echo "$out" >&2
    failed=1
  else
    echo "ok: case $c refused: ${expect[$c]}"
  fi
done
exit $failed
