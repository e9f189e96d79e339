#!/usr/bin/env bash
# Back-pressure (issue 16, item 5): a sender whose receiver is slow. Stack A
# on node X sends CALLBACKS callbacks to stack B on node Y as fast as it can
# (`notify` never blocks); Y is reached through a real cardflow-chaos link,
# so X's callback stream to Y crosses it. One run with the link at full
# speed, then one with a `bandwidth` toxic holding X → Y to RATE_KBPS KB/s,
# so that the callbacks pile up at the sender. X's VmRSS is sampled every
# SAMPLE_S seconds during each run (its peak, VmHWM, reset before each with
# /proc/PID/clear_refs). Checks, and prints:
#   - both runs complete, with the one right outcome;
#   - the sender's memory is bounded: X's peak in the slow run is within
#     SLACK_MIB of its peak in the fast run (what waits for the slow link is
#     held once, not copied or grown while it waits), and it does not keep
#     rising while the link drains (the highest sample of the slow run's
#     second half is within SLACK_MIB of the highest of its first half).
# Exit 0 when all hold, 1 otherwise.
#
#   bench/backpressure.sh                                    # 100,000 callbacks at 256 KB/s
#   CALLBACKS=5000 RATE_KBPS=64 bench/backpressure.sh        # the smoke test (ctest bench_backpressure_smoke)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BIN=${BIN:-build/bin}
CALLBACKS=${CALLBACKS:-100000}  # a multiple of 100, at most 1,000,000
RATE_KBPS=${RATE_KBPS:-256}
SAMPLE_S=${SAMPLE_S:-0.1}
SLACK_MIB=${SLACK_MIB:-16}
TIMEOUT=${TIMEOUT:-900}

WORK=$(mktemp -d)
source bench/cluster_procs.sh
trap 'stop_procs; [[ -n ${KEEP_WORK:-} ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"' EXIT

cat > "$WORK/flood.deck" << EOF
# bench/backpressure.sh: A floods B with $CALLBACKS callbacks.
stack A:
    repeat 100:
        repeat $((CALLBACKS / 100)):
            notify B 1234567890123
stack B:
    repeat 100:
        repeat $((CALLBACKS / 100)):
            await A -> v
            add n 1
outcome B.n
EOF

to_y=127.0.0.1:$(free_port)
start_node X --threads 2
x_pid=$node_pid x_addr=$node_addr
start_node Y --threads 2 --advertise "$to_y"
y_pid=$node_pid y_addr=$node_addr
start_chaos --log-level warn --link "to_y=$to_y:$y_addr"

# run_flood NAME: one run, X's VmRSS sampled meanwhile into WORK/NAME.rss.
# Prints "WALL_S PEAK_KIB FIRST_HALF_MAX_KIB SECOND_HALF_MAX_KIB".
run_flood() {
  local name=$1 rc=0 start=$SECONDS
  echo 5 > "/proc/$x_pid/clear_refs"  # VmHWM := VmRSS
  "$BIN/cardflow-coordinator" run "$WORK/flood.deck" --node "X=$x_addr" --node "Y=$y_addr" \
    --place A=X --place B=Y --runs 1 --format json > "$WORK/$name.json" 2> "$WORK/$name.err" &
  local coordinator=$!
  : > "$WORK/$name.rss"
  while kill -0 "$coordinator" 2> /dev/null; do
    rss_kib "$x_pid" >> "$WORK/$name.rss"
    ((SECONDS - start < TIMEOUT)) || kill "$coordinator"
    sleep "$SAMPLE_S"  # the sampling period, not synchronisation
  done
  wait "$coordinator" || rc=$?
  local outcome
  outcome=$(jq -c '[(.outcomes | map(.values["B.n"])), .order_violations]' "$WORK/$name.json" \
    2> /dev/null || echo '?')
  if [[ $rc != 0 || $outcome != "[[$CALLBACKS],0]" ]]; then
    echo "FAIL: the $name run: exit $rc, [outcomes, order violations] = $outcome" >&2
    tail -n 5 "$WORK/$name.err" >&2
    return 1
  fi
  awk -v wall=$((SECONDS - start)) -v peak="$(hwm_kib "$x_pid")" '{ s[NR] = $1 } END {
      h = int(NR / 2); a = 0; b = 0
      for (i = 1; i <= NR; i++) { if (i <= h) { if (s[i] > a) a = s[i] } else if (s[i] > b) b = s[i] }
      # VmHWM lags VmRSS a little (the kernel batches its counters).
      if (a > peak) peak = a
      if (b > peak) peak = b
      printf "%d %d %d %d\n", wall, peak, a, b
    }' "$WORK/$name.rss"
}

# Warm-up: a run at full speed, so that X's threads and channels exist.
run_flood warmup > /dev/null
idle=$(rss_kib "$x_pid")
read -r fast_wall fast_peak _ _ < <(run_flood fast) || exit 1
curl -sf -o /dev/null "http://$chaos_control/proxies/to_y/toxics" -d \
  '{"name":"slow","type":"bandwidth","stream":"upstream","attributes":{"rate":'"$RATE_KBPS"'}}'
read -r slow_wall slow_peak first_half second_half < <(run_flood slow) || exit 1

failures=0
echo "backpressure: $CALLBACKS callbacks X → Y; X's VmRSS idle $(mib "$idle") MiB;" \
  "full speed: ${fast_wall} s, peak $(mib "$fast_peak") MiB; at $RATE_KBPS KB/s: ${slow_wall} s," \
  "peak $(mib "$slow_peak") MiB (highest sample in the first half $(mib "$first_half") MiB," \
  "in the second $(mib "$second_half") MiB)"
if ((slow_peak > fast_peak + SLACK_MIB * 1024)); then
  echo "FAIL: the sender peaked $(mib $((slow_peak - fast_peak))) MiB higher behind the slow link" >&2
  failures=$((failures + 1))
fi
if ((second_half > first_half + SLACK_MIB * 1024)); then
  echo "FAIL: the sender's memory kept rising while the slow link drained" >&2
  failures=$((failures + 1))
fi
((failures == 0)) || exit 1
echo "backpressure: PASS"
