#!/usr/bin/env bash
# Scaling table (issue 7): one run of a ring deck of S stacks on N
# cardflow-node processes on this machine, for every N in $NODES and S in
# $STACKS. Prints a Markdown table: wall time of the coordinator (start to
# report, deck loading and node setup included), the run's own time as the
# report states it, and peak memory — the sum of every node's VmHWM (read
# from /proc just before the node is stopped) plus the coordinator's peak
# RSS (from /usr/bin/time).
#
# The ring: stack Si reads the shared variable, notifies S(i+1) and awaits
# S(i-1), so every stack is suspended at its await until its neighbour's
# callback comes; stacks are spread round-robin, so with N > 1 every
# callback crosses nodes. Cost per stack should be flat down a column.
#
#   bench/scaling.sh                      # build/bin, the full table
#   BIN=build-release/bin NODES="1 2" STACKS="10 1000" bench/scaling.sh
#
# Needs /usr/bin/time (Debian package `time`) and awk.
set -euo pipefail

BIN=${BIN:-build/bin}
NODES=${NODES:-"1 2 4 8 16"}
STACKS=${STACKS:-"10 100 1000 10000 100000"}
THREADS=${THREADS:-1}  # worker threads per node

work=$(mktemp -d)
pids=()
stop_nodes() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap 'stop_nodes; rm -rf "$work"' EXIT

ring_deck() {  # ring_deck STACKS FILE
  awk -v n="$1" 'BEGIN {
    print "# ring of " n " stacks (bench/scaling.sh)"
    print "shared total"
    for (i = 0; i < n; i++) {
      printf "stack S%d:\n    read total -> t\n    notify S%d %d\n    await S%d -> v\n    add v 1\n",
             i, (i + 1) % n, i, (i + n - 1) % n
    }
    print "outcome total"
  }' > "$2"
}

# Starts N nodes; sets node_flags to their --node flags.
start_nodes() {
  local n=$1 i addr
  node_flags=()
  for ((i = 1; i <= n; i++)); do
    "$BIN/cardflow-node" --name "n$i" --listen 127.0.0.1:0 --threads "$THREADS" \
      --log-level warn > "$work/node$i.out" 2> "$work/node$i.err" &
    pids+=($!)
  done
  for ((i = 1; i <= n; i++)); do
    addr=""
    for _ in $(seq 100); do
      addr=$(awk '/^listening on /{print $3; exit}' "$work/node$i.out" 2>/dev/null || true)
      [[ -n $addr ]] && break
      sleep 0.05
    done
    [[ -n $addr ]] || { echo "node n$i did not start: $(cat "$work/node$i.err")" >&2; exit 1; }
    node_flags+=(--node "n$i=$addr")
  done
}

hwm_kib() { awk '/^VmHWM:/{print $2}' "/proc/$1/status"; }

mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# The last two columns are marginal costs against the first row of the same
# node count: (wall - wall0) / (stacks - stacks0), and the same for memory.
echo "| nodes | stacks | wall (s) | run (s) | nodes' peak RSS (MiB) | coordinator (MiB) | total (MiB) | µs per extra stack | KiB per extra stack |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for stacks in $STACKS; do
  ring_deck "$stacks" "$work/ring_$stacks.deck"
done
for nodes in $NODES; do
  base=""
  for stacks in $STACKS; do
    start_nodes "$nodes"
    if ! /usr/bin/time -f "%e %M" -o "$work/time" "$BIN/cardflow-coordinator" run \
        "$work/ring_$stacks.deck" --runs 1 "${node_flags[@]}" > "$work/report" 2> "$work/coord.err"; then
      echo "run failed ($nodes nodes, $stacks stacks):" >&2
      tail -n 5 "$work/report" "$work/coord.err" >&2
      exit 1
    fi
    node_kib=0
    for pid in "${pids[@]}"; do node_kib=$((node_kib + $(hwm_kib "$pid"))); done
    stop_nodes
    read -r wall coord_kib < <(tail -1 "$work/time")
    # The verdict line ends in "· <seconds> s".
    run=$(grep -o '· [0-9.]* s$' "$work/report" | tail -1 | awk '{print $2}')
    total_kib=$((node_kib + coord_kib))
    [[ -n $base ]] || base="$stacks $wall $total_kib"
    awk -v n="$nodes" -v s="$stacks" -v w="$wall" -v r="$run" -v nk="$node_kib" \
        -v ck="$coord_kib" -v tk="$total_kib" -v base="$base" 'BEGIN {
      split(base, b, " ")
      if (s == b[1]) { us = "—"; kib = "—" } else {
        us = sprintf("%.1f", (w - b[2]) * 1e6 / (s - b[1]))
        kib = sprintf("%.2f", (tk - b[3]) / (s - b[1]))
      }
      printf "| %d | %d | %.2f | %.2f | %.0f | %.0f | %.0f | %s | %s |\n",
             n, s, w, r, nk / 1024, ck / 1024, tk / 1024, us, kib
    }'
  done
done
