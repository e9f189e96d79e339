#!/usr/bin/env bash
# 100,000 suspended stacks on one node (issue 7: < 200 MiB).
#
# Generates a fan-out deck: stacks W0..W(N-1) each `await G -> v`, and G
# sleeps SLEEP_MS before it notifies every one of them. Runs it once on one
# cardflow-node process through the coordinator and prints the node's peak
# RSS (VmHWM) twice: while every W is suspended at its await (sampled once
# the node's RSS has held still for half a second during G's sleep), and for
# the whole run (G's 100,000 notifies, the callbacks' arrivals and the events
# sent back to the coordinator included).
#
#   bench/suspended_stacks.sh                   # build/bin, 100,000 stacks
#   BIN=build-release/bin STACKS=10000 bench/suspended_stacks.sh
#   DEBUG=1 bench/suspended_stacks.sh           # also prints the RSS samples
set -euo pipefail

BIN=${BIN:-build/bin}
STACKS=${STACKS:-100000}
SLEEP_MS=${SLEEP_MS:-5000}

work=$(mktemp -d)
node=""
trap '[[ -n $node ]] && kill "$node" 2>/dev/null; rm -rf "$work"' EXIT

awk -v n="$STACKS" -v ms="$SLEEP_MS" 'BEGIN {
  print "# fan-out of " n " suspended stacks (bench/suspended_stacks.sh)"
  print "stack G:\n    sleep " ms
  for (i = 0; i < n; i++) printf "    notify W%d %d\n", i, i
  for (i = 0; i < n; i++) printf "stack W%d:\n    await G -> v\n    add v 1\n", i
  print "outcome W0.v"
}' > "$work/fanout.deck"

"$BIN/cardflow-node" --name n --listen 127.0.0.1:0 --threads 1 --log-level warn \
  > "$work/node.out" 2> "$work/node.err" &
node=$!
addr=""
for _ in $(seq 100); do
  addr=$(awk '/^listening on /{print $3; exit}' "$work/node.out")
  [[ -n $addr ]] && break
  sleep 0.05
done
[[ -n $addr ]] || { echo "node did not start: $(cat "$work/node.err")" >&2; exit 1; }

kib() { awk '/^'"$1"':/{print $2}' "/proc/$node/status"; }  # kib VmRSS
base=$(kib VmRSS)

"$BIN/cardflow-coordinator" run "$work/fanout.deck" --runs 1 --node "n=$addr" \
  > "$work/report" 2> "$work/coord.err" &
coordinator=$!

# Sample every 100 ms; the suspended figure is VmHWM at the first moment the
# RSS, well above the idle node's, has not moved for 5 samples.
suspended=""
history=()
while kill -0 "$coordinator" 2>/dev/null; do
  rss=$(kib VmRSS)
  history+=("$rss")
  n=${#history[@]}
  if [[ -z $suspended && $n -gt 5 && $rss -gt $((base + 10240)) &&
        ${history[n - 1]} == "${history[n - 6]}" ]]; then
    suspended=$(kib VmHWM)
  fi
  sleep 0.1
done
wait "$coordinator" || { echo "run failed:" >&2; tail -5 "$work/report" "$work/coord.err" >&2; exit 1; }
total=$(kib VmHWM)
[[ -n ${DEBUG:-} ]] && echo "rss samples (KiB): ${history[*]}" >&2

mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
echo "stacks:                      $STACKS (+ G), one node, 1 worker thread"
echo "idle node RSS:               $(mib "$base")"
if [[ -n $suspended ]]; then
  echo "peak while all suspended:    $(mib "$suspended")"
else
  echo "peak while all suspended:    n/a (RSS never held still 10 MiB above idle)"
fi
echo "peak over the whole run:     $(mib "$total")"
grep -o '· [0-9.]* s$' "$work/report" | tail -1 | sed 's/^· /run wall (report):           /'
