#!/usr/bin/env bash
# The HTML report's stepper in a real browser: Debian's chromium driven by
# playwright-core from npm (pinned below, installed into a cache directory by
# tests/npm_packages.sh, never vendored) through report_stepper_test.js.
#
#   bash tests/trace/report_stepper_test.sh build/bin/cardflow-coordinator OUT_DIR
#   (ctest runs it as trace_report_stepper; OUT_DIR is the build dir)
#
# Writes OUT_DIR/report-stepper/transfer-none.html, transfer-check.html,
# demo.html and wide.html, the pages it checks (run --report, check
# --report, demo --report — naive and callbacks side by side — and a
# 100-stack deck's 10,000-step run), and
# screenshots at three steps (stepper-step-*.png) beside it.
#
# Exit status: 0 passed, 1 failed, 77 skipped — only when Node.js, the
# package or chromium cannot be had here, and never with CI=true (then that
# is a failure). CHROMIUM=/path picks the browser.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
# shellcheck source=../npm_packages.sh
source "$HERE/../npm_packages.sh"

coordinator=${1:?usage: report_stepper_test.sh PATH/TO/cardflow-coordinator OUT_DIR}
out=${2:?usage: report_stepper_test.sh PATH/TO/cardflow-coordinator OUT_DIR}/report-stepper
source_dir=$(cd "$HERE/../.." && pwd)

need_node trace_report_stepper
chromium=${CHROMIUM:-}
if [ -z "$chromium" ]; then
  for name in chromium chromium-browser google-chrome; do
    if command -v "$name" >/dev/null; then
      chromium=$(command -v "$name")
      break
    fi
  done
fi
[ -n "$chromium" ] || cannot "no chromium (scripts/install-deps.sh installs it; or set CHROMIUM)"
modules=$(npm_cached playwright-core-1.57.0 playwright-core@1.57.0)

rm -rf "$out"
mkdir -p "$out"
# The naive transfer: several outcomes, lost updates and missed callbacks.
# Exit 1 is its FAIL verdict; the page is what matters.
status=0
"$coordinator" run "$source_dir/examples/transfer.deck" --ordering none --runs 300 \
  --report "$out/transfer-none.html" >"$out/run.txt" 2>&1 || status=$?
if [ "$status" -gt 1 ] || [ ! -s "$out/transfer-none.html" ]; then
  cat "$out/run.txt" >&2
  echo "trace_report_stepper: FAILED: the coordinator wrote no report (exit $status)" >&2
  exit 1
fi
# Every reachable outcome, a section each (exit 1: some break the expect).
status=0
"$coordinator" check "$source_dir/examples/transfer.deck" --ordering none \
  --report "$out/transfer-check.html" >"$out/check.txt" 2>&1 || status=$?
if [ "$status" -gt 1 ] || [ ! -s "$out/transfer-check.html" ]; then
  cat "$out/check.txt" >&2
  echo "trace_report_stepper: FAILED: check wrote no report (exit $status)" >&2
  exit 1
fi
# Naive and callbacks side by side, stepping together (exit 0: the story held).
if ! "$coordinator" demo --report "$out/demo.html" >"$out/demo.txt" 2>&1 ||
  [ ! -s "$out/demo.html" ]; then
  cat "$out/demo.txt" >&2
  echo "trace_report_stepper: FAILED: demo wrote no report" >&2
  exit 1
fi
# A wide deck and a long run: 100 stacks of 50 read-add-write rounds on one
# variable, 10,000 steps in one run.
{
  echo "shared x = 0"
  for i in $(seq 1 100); do
    printf 'stack S%d:\n    repeat 50:\n        read x -> r\n        add r 1\n        write r -> x\n' "$i"
  done
} >"$out/wide.deck"
if ! "$coordinator" run "$out/wide.deck" --runs 1 --no-check --report "$out/wide.html" \
  >"$out/wide.txt" 2>&1 || [ ! -s "$out/wide.html" ]; then
  cat "$out/wide.txt" >&2
  echo "trace_report_stepper: FAILED: the wide deck's report was not written" >&2
  exit 1
fi
CHROMIUM="$chromium" NODE_PATH="$modules" node "$HERE/report_stepper_test.js" \
  "$out/transfer-none.html" "$out/transfer-check.html" "$out" "$out/demo.html" "$out/wide.html"
