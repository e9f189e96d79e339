# Sourced by bench/load.sh, bench/soak.sh and bench/backpressure.sh: start
# real cardflow-node and cardflow-chaos processes on 127.0.0.1 (port 0: the
# OS picks free ports), learn their addresses from the line each prints once
# it serves (a blocking read on a FIFO, never a sleep), read their memory
# from /proc, and stop every one of them on exit.
#
# Needs BIN (the programs' directory) and WORK (a scratch directory) set.

procs_pids=()

# Stops (SIGTERM, then waits) every process started here. Idempotent.
stop_procs() {
  local pid
  for pid in "${procs_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${procs_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  procs_pids=()
}

# start_proc NAME PATTERN TIMEOUT PROGRAM ARGS...: starts PROGRAM with its
# stdout on a FIFO, and reads it until a line matching PATTERN (an extended
# regex) has come, at most TIMEOUT seconds in all; every line read so far
# is in WORK/NAME.out and the rest of stdout follows it there. Sets
# proc_pid. Fails with the program's log if the line does not come.
start_proc() {
  local name=$1 pattern=$2 timeout=$3
  shift 3
  local fifo="$WORK/$name.fifo" line fd
  rm -f "$fifo"
  mkfifo "$fifo"
  "$@" > "$fifo" 2> "$WORK/$name.err" &
  proc_pid=$!
  procs_pids+=("$proc_pid")
  exec {fd}< "$fifo"
  : > "$WORK/$name.out"
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)) && IFS= read -r -t "$((deadline - SECONDS))" -u "$fd" line; do
    echo "$line" >> "$WORK/$name.out"
    if [[ $line =~ $pattern ]]; then
      # Keep draining stdout so that the program never blocks on it.
      cat <&"$fd" >> "$WORK/$name.out" &
      exec {fd}<&-
      return 0
    fi
  done
  exec {fd}<&-
  echo "$name did not start (no line matching '$pattern' in ${timeout} s):" >&2
  cat "$WORK/$name.out" "$WORK/$name.err" >&2
  return 1
}

# start_node NAME [ARGS...]: a cardflow-node on 127.0.0.1, port 0. Sets
# node_pid and node_addr (HOST:PORT).
start_node() {
  local name=$1
  shift
  start_proc "node_$name" '^listening on ' 20 \
    "$BIN/cardflow-node" --name "$name" --listen 127.0.0.1:0 --log-level "${NODE_LOG_LEVEL:-warn}" "$@" \
    || return 1
  node_pid=$proc_pid
  node_addr=$(awk '/^listening on /{print $3; exit}' "$WORK/node_$name.out")
}

# start_chaos ARGS...: a cardflow-chaos, control on 127.0.0.1 port 0. Sets
# chaos_pid and chaos_control (HOST:PORT); chaos_link NAME prints a link's
# listening address.
start_chaos() {
  start_proc chaos '^control listening on ' 20 \
    "$BIN/cardflow-chaos" --control 127.0.0.1:0 "$@" || return 1
  chaos_pid=$proc_pid
  chaos_control=$(awk '/^control listening on /{print $4; exit}' "$WORK/chaos.out")
}
chaos_link() { awk -v n="$1" '$1 == "link" && $2 == n {print $5; exit}' "$WORK/chaos.out"; }

# A port nothing listens on now, for a chaos link whose address a node must
# advertise before the proxy starts (the OS picks it; it is released at once).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# rss_kib PID / hwm_kib PID: resident memory now / at its peak, in KiB.
rss_kib() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/{print $2}' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# The report's JSON without "placement" (which names where stacks ran and so
# differs between a run on nodes and a --local one) and "moved".
report_sans_placement() { jq -S 'del(.placement, .moved)' "$1"; }
