#!/usr/bin/env bash
# Soak (issue 16, item 5): RUNS runs of examples/ring.deck on two real
# cardflow-node processes whose links to each other go through a real
# cardflow-chaos (each node advertises its proxy link, so every callback
# between them crosses it), with resets every RESET_EVERY seconds: a
# `reset_peer` toxic (timeout 0) is put on both links for RESET_HOLD
# seconds, so that every connection that carries data meanwhile is reset
# (RST to both ends), then taken off. The callback streams break and are
# made again that often all the way through. The runs go in BATCHES
# coordinator invocations (one after the other, seeds continuing); after
# each, both nodes' VmRSS is sampled. Checks, and prints:
#   - no run is lost: every batch exits 0 with all of its runs completed,
#     the one outcome A.t = 10, no order violation, no run error;
#   - no leak: after the warm-up (the first WARMUP batches), each node's
#     VmRSS never rises more than SLACK_MIB above where the warm-up left it;
#     the slope (KiB per 1,000 runs, least squares over the samples after
#     warm-up) is printed beside it.
# The samples are in $CSV if set. Exit 0 when all hold, 1 otherwise.
#
#   bench/soak.sh                               # 100,000 runs in 100 batches
#   RUNS=20000 BATCHES=40 bench/soak.sh
#   RUNS=400 BATCHES=4 WARMUP=1 RESET_EVERY=2 bench/soak.sh
#                                               # the smoke test (ctest bench_soak_smoke)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BIN=${BIN:-build/bin}
RUNS=${RUNS:-100000}
BATCHES=${BATCHES:-100}
WARMUP=${WARMUP:-$(((BATCHES + 9) / 10))}
SLACK_MIB=${SLACK_MIB:-16}
RESET_EVERY=${RESET_EVERY:-1}
RESET_HOLD=${RESET_HOLD:-0.1}
TIMEOUT=${TIMEOUT:-1800}  # per batch
per_batch=$(((RUNS + BATCHES - 1) / BATCHES))

WORK=$(mktemp -d)
source bench/cluster_procs.sh
trap 'stop_procs; [[ -n ${KEEP_WORK:-} ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"' EXIT

to_x=127.0.0.1:$(free_port) to_y=127.0.0.1:$(free_port)
# At info, a node logs each break of a callback stream ("... sending its
# callbacks again"): the count shows the resets bit.
export NODE_LOG_LEVEL=info
start_node X --threads 2 --advertise "$to_x"
x_pid=$node_pid x_addr=$node_addr
start_node Y --threads 2 --advertise "$to_y"
y_pid=$node_pid y_addr=$node_addr
start_chaos --seed 16 --log-level warn --link "to_x=$to_x:$x_addr" --link "to_y=$to_y:$y_addr"

# The resets: the sleeps are the fault schedule, not synchronisation. Each
# cycle done is a line in WORK/resets.
resets() {
  local link
  while :; do
    for link in to_x to_y; do
      curl -sf -o /dev/null "http://$chaos_control/proxies/$link/toxics" \
        -d '{"name":"reset","type":"reset_peer","attributes":{"timeout":0}}' || true
    done
    sleep "$RESET_HOLD"
    for link in to_x to_y; do
      curl -sf -o /dev/null -X DELETE "http://$chaos_control/proxies/$link/toxics/reset" || true
    done
    echo >> "$WORK/resets"
    sleep "$(awk -v e="$RESET_EVERY" -v h="$RESET_HOLD" 'BEGIN { print (e > h ? e - h : 0) }')"
  done
}
resets &
procs_pids+=($!)

csv=${CSV:-$WORK/soak.csv}
echo "batch,runs,seconds,x_rss_kib,y_rss_kib" > "$csv"
start=$SECONDS
done_runs=0
failures=0
lost=0
for ((b = 1; b <= BATCHES && done_runs < RUNS; b++)); do
  n=$((RUNS - done_runs < per_batch ? RUNS - done_runs : per_batch))
  rc=0
  timeout "$TIMEOUT" "$BIN/cardflow-coordinator" run examples/ring.deck \
    --node "X=$x_addr" --node "Y=$y_addr" --place A=X --place B=Y --place C=X --place D=Y \
    --runs "$n" --seed "$((1 + done_runs))" --format json > "$WORK/batch.json" \
    2> "$WORK/batch.err" || rc=$?
  completed=$(jq '[.outcomes[].count] | add // 0' "$WORK/batch.json" 2> /dev/null || true)
  completed=${completed:-0}
  verdict=$(jq -c '[(.outcomes | map(.values["A.t"])), .order_violations, .run_errors]' \
    "$WORK/batch.json" 2> /dev/null || echo '?')
  if [[ $rc != 0 || $completed != "$n" || $verdict != '[[10],0,0]' ]]; then
    echo "FAIL: batch $b (seeds from $((1 + done_runs))): exit $rc, $completed of $n runs" \
      "completed, [outcomes, order violations, run errors] = $verdict" >&2
    tail -n 5 "$WORK/batch.err" >&2
    failures=$((failures + 1))
    lost=$((lost + n - completed))
  fi
  done_runs=$((done_runs + n))
  echo "$b,$done_runs,$((SECONDS - start)),$(rss_kib "$x_pid"),$(rss_kib "$y_pid")" >> "$csv"
done
wall=$((SECONDS - start))
cycles=$(wc -l < "$WORK/resets" 2> /dev/null || echo 0)
broken=$(cat "$WORK"/node_*.err | grep -c 'sending its callbacks again' || true)

echo "soak: $done_runs runs of ring.deck on 2 nodes in $((b - 1)) batches, ${wall} s," \
  "$cycles reset cycles (every ${RESET_EVERY} s, ${RESET_HOLD} s each; callback streams broke" \
  "under a run and were made again: $broken); $failures batches failed, $lost runs lost"
# Per node: RSS where the warm-up left it, the most after it, at the end,
# and the least-squares slope over the samples after warm-up.
for col in 4 5; do
  node=$([[ $col == 4 ]] && echo X || echo Y)
  read -r base top last slope < <(awk -F, -v c="$col" -v w="$WARMUP" 'NR > 1 {
      if ($1 == w) base = $c
      if ($1 > w) { if ($c > top) top = $c; n++; sx += $2; sy += $c; sxx += $2 * $2; sxy += $2 * $c }
      last = $c
    } END {
      if (base == "") base = last
      if (top == "") top = last
      slope = (n > 1 && n * sxx - sx * sx != 0) ? (n * sxy - sx * sy) / (n * sxx - sx * sx) * 1000 : 0
      printf "%d %d %d %.2f\n", base, top, last, slope
    }' "$csv")
  echo "soak: node $node VmRSS after warm-up $(mib "$base") MiB, highest after it $(mib "$top") MiB," \
    "at the end $(mib "$last") MiB, slope $slope KiB per 1,000 runs"
  if ((top > base + SLACK_MIB * 1024)); then
    echo "FAIL: node $node grew $(mib $((top - base))) MiB after warm-up (allowed $SLACK_MIB)" >&2
    failures=$((failures + 1))
  fi
done
((failures == 0)) || exit 1
echo "soak: PASS"
