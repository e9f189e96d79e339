#!/usr/bin/env bash
# Load (issue 16, item 5): COORDINATORS coordinators at once against the same
# two real cardflow-node processes, each `run`ning RUNS runs of an example
# deck (a different deck and seed range each) under the seeded shuffle.
# Checks, and prints:
#   - every report is correct: its JSON, but for "placement", equals a
#     --local run of the same deck and seeds, byte for byte, and so does its
#     exit status (DECK.md: the seeded shuffle gives the same report on every
#     placement);
#   - nothing is stuck: every coordinator ends within TIMEOUT seconds, and
#     the nodes still serve a run afterwards;
#   - node memory goes back near idle: each node's VmRSS after the load is
#     within SLACK_MIB (or SLACK_PERCENT of idle, whichever is more) of its
#     VmRSS when idle (after one warm-up run), with the peak (VmHWM) beside.
# Exit 0 when all hold, 1 otherwise.
#
#   bench/load.sh                                  # 16 coordinators × 2000 runs
#   COORDINATORS=4 RUNS=20 bench/load.sh           # the smoke test (ctest bench_load_smoke)
#   BIN=build-release/bin bench/load.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BIN=${BIN:-build/bin}
COORDINATORS=${COORDINATORS:-16}
RUNS=${RUNS:-2000}
IN_FLIGHT=${IN_FLIGHT:-8}
TIMEOUT=${TIMEOUT:-600}
SLACK_MIB=${SLACK_MIB:-16}
SLACK_PERCENT=${SLACK_PERCENT:-25}
DECKS=(${DECKS:-ring transfer ping_pong producer_consumer fan_in message_passing store_buffering iriw})

WORK=$(mktemp -d)
source bench/cluster_procs.sh
trap 'stop_procs; [[ -n ${KEEP_WORK:-} ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"' EXIT

start_node X --threads 2
x_pid=$node_pid x_addr=$node_addr
start_node Y --threads 2
y_pid=$node_pid y_addr=$node_addr
nodes=(--node "X=$x_addr" --node "Y=$y_addr")

coordinator() {  # coordinator OUT ARGS...: exit status in OUT.rc
  local out=$1
  shift
  local rc=0
  timeout "$TIMEOUT" "$BIN/cardflow-coordinator" run "$@" --format json > "$out.json" \
    2> "$out.err" || rc=$?
  echo "$rc" > "$out.rc"
}

# Warm-up: one run through both nodes, so that "idle" is a node that has
# served (its threads, channels and caches made), not a fresh process.
coordinator "$WORK/warmup" examples/ring.deck "${nodes[@]}" --runs 20
[[ $(cat "$WORK/warmup.rc") == 0 ]] || { cat "$WORK/warmup.err" >&2; exit 1; }
x_idle=$(rss_kib "$x_pid") y_idle=$(rss_kib "$y_pid")

start=$SECONDS
pids=()
for ((i = 0; i < COORDINATORS; i++)); do
  deck=examples/${DECKS[i % ${#DECKS[@]}]}.deck
  seed=$((1 + i * RUNS))
  coordinator "$WORK/c$i" "$deck" "${nodes[@]}" --shuffle seeded --in-flight "$IN_FLIGHT" \
    --runs "$RUNS" --seed "$seed" &
  pids+=($!)
done
# While they run: the local runs to compare with (after them, so that they
# do not slow the start).
for ((i = 0; i < COORDINATORS; i++)); do
  deck=examples/${DECKS[i % ${#DECKS[@]}]}.deck
  coordinator "$WORK/l$i" "$deck" --local --runs "$RUNS" --seed "$((1 + i * RUNS))" --threads 1
done
for pid in "${pids[@]}"; do wait "$pid"; done
wall=$((SECONDS - start))
x_after=$(rss_kib "$x_pid") y_after=$(rss_kib "$y_pid")
x_peak=$(hwm_kib "$x_pid") y_peak=$(hwm_kib "$y_pid")

failures=0
runs_done=0
for ((i = 0; i < COORDINATORS; i++)); do
  deck=${DECKS[i % ${#DECKS[@]}]}
  rc=$(cat "$WORK/c$i.rc") local_rc=$(cat "$WORK/l$i.rc")
  if [[ $rc == 124 ]]; then
    echo "FAIL: coordinator $i ($deck) still running after ${TIMEOUT} s" >&2
    failures=$((failures + 1))
  elif [[ $rc != "$local_rc" ]]; then
    echo "FAIL: coordinator $i ($deck) exit $rc, --local exit $local_rc:" >&2
    tail -n 5 "$WORK/c$i.err" >&2
    failures=$((failures + 1))
  elif ! diff <(report_sans_placement "$WORK/c$i.json") <(report_sans_placement "$WORK/l$i.json") \
      > "$WORK/c$i.diff"; then
    echo "FAIL: coordinator $i ($deck): its report differs from --local's:" >&2
    head -n 20 "$WORK/c$i.diff" >&2
    failures=$((failures + 1))
  else
    runs_done=$((runs_done + $(jq '[.outcomes[].count] | add // 0' "$WORK/c$i.json" || echo 0)))
  fi
done

if ((runs_done != COORDINATORS * RUNS)); then
  echo "FAIL: $runs_done runs completed, not $((COORDINATORS * RUNS))" >&2
  failures=$((failures + 1))
fi

# Still serving: one more run on both nodes.
coordinator "$WORK/after" examples/ring.deck "${nodes[@]}" --runs 20
if [[ $(cat "$WORK/after.rc") != 0 ]]; then
  echo "FAIL: the nodes no longer serve a run after the load:" >&2
  cat "$WORK/after.err" >&2
  failures=$((failures + 1))
fi

within() {  # within IDLE AFTER: whether AFTER is near IDLE
  awk -v i="$1" -v a="$2" -v s="$SLACK_MIB" -v p="$SLACK_PERCENT" \
    'BEGIN { slack = s * 1024; if (i * p / 100 > slack) slack = i * p / 100; exit !(a <= i + slack) }'
}
echo "load: $COORDINATORS coordinators at once × $RUNS runs (seeded shuffle, --in-flight $IN_FLIGHT)" \
  "on 2 nodes: $runs_done runs in ${wall} s, $((COORDINATORS - failures)) of $COORDINATORS reports" \
  "equal to --local's"
for node in X Y; do
  idle_var=${node,,}_idle after_var=${node,,}_after peak_var=${node,,}_peak
  idle=${!idle_var} after=${!after_var} peak=${!peak_var}
  echo "load: node $node VmRSS idle $(mib "$idle") MiB, peak (VmHWM) $(mib "$peak") MiB," \
    "after $(mib "$after") MiB"
  if ! within "$idle" "$after"; then
    echo "FAIL: node $node holds $(mib "$after") MiB after the load, idle was $(mib "$idle") MiB" >&2
    failures=$((failures + 1))
  fi
done
((failures == 0)) || exit 1
echo "load: PASS"
