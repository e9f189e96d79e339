#!/usr/bin/env bash
# End to end: the Docker cluster of docker-compose.yml, as a user starts it.
#
#   bash tests/compose/compose_e2e.sh        (ctest runs it as compose_e2e)
#
# Installs docker.io (the engine, dockerd) when dockerd is missing — even
# where a `docker` client alone is installed — and docker-compose when no
# compose is there, starts dockerd if none answers (and stops it again at the
# end, unless other containers run on it by then), makes the base image if
# it is missing (scripts/make-base-image.sh), then, under a project name of
# its own:
#   1. `up --build -d`: the demo across nodes X and Y through the chaos
#      proxy; once the coordinator has exited, checks its exit status, the
#      histograms and verdicts it printed and its last line (`open
#      http://localhost:8080`), then fetches that address from the running
#      cluster (`serve`): the index lists the demo's report set, and /latest
#      is its page, naive and callbacks side by side;
#   2. the same with DECK= a deck of its own in a mounted folder;
#   3. that deck again with docker-compose.tls.yml: mutual TLS and the token
#      on every link, certificates from scripts/make-dev-certs.sh (skipped,
#      saying so, where openssl is missing).
# Everything it started is removed at the end (`down -v`), pass or fail.
#
# Exit status: 0 passed, 1 failed (with the logs), 77 skipped — only where
# Docker cannot run at all here (no root to install or start it, or a
# dockerd that cannot start: no kernel support, no privileges), and never
# when CI=true: there every such reason is a failure, so that CI cannot pass
# without the README's main command having run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
DOCKER_TEST_NAME=compose_e2e
# say, skip, fail; docker_engine_up, docker_engine_down
# shellcheck source=../docker_engine.sh
source "$ROOT/tests/docker_engine.sh"

work=$(mktemp -d /tmp/cardflow-compose-e2e.XXXXXX)
project=
compose=()
files=(-f docker-compose.yml)

cleanup() {
  local status=$?
  if [ -n "$project" ]; then
    "${compose[@]}" -p "$project" down -v --remove-orphans --timeout 10 >"$work/down.log" 2>&1 ||
      { echo "compose_e2e: down failed:" >&2; cat "$work/down.log" >&2; }
  fi
  docker_engine_down
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- Docker: the client, a compose, an engine that answers -----------------

need_compose=()
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then
  need_compose=(docker-compose)
fi
docker_engine_up "${need_compose[@]}"
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  compose=(docker-compose)
fi
say "Docker $(docker version -f '{{.Server.Version}}'), ${compose[*]} $("${compose[@]}" version --short 2>/dev/null || true)"

bash "$ROOT/scripts/make-base-image.sh" || fail "no debian:bookworm-slim image (above)"

# --- the cluster ------------------------------------------------------------

project="cardflow-e2e-$$-$RANDOM"
cd "$ROOT"
# The compose file's knobs, as a user who set none of them.
unset DECK DECK_ARGS CARDFLOW_DECKS CARDFLOW_NODES CARDFLOW_LATENCY_MS CARDFLOW_JITTER_MS \
  CARDFLOW_CHAOS_SEED CARDFLOW_CERTS CARDFLOW_HTTP_PORT
# The pages are published on the host's port 8080, as for a user; where
# something on this machine holds 8080 already, on a free port instead.
http_port=8080
if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
  http_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])')
  say "port 8080 is taken here; the pages go to port $http_port"
  export CARDFLOW_HTTP_PORT=$http_port
fi

# Runs the cluster to the coordinator's end; its output in $work/$1.out, the
# whole compose log in $work/$1.log. The exit status is the coordinator's.
# The first run builds the image; the others run that same image, even if
# the sources change meanwhile. Each has a time limit well inside CTest's,
# so that this script, not a kill from CTest, ends a stuck run and cleans up.
build=--build
limit=1800

# The id of the project's coordinator container ("" when there is none).
# By label, not `ps`: Compose 1.x and 2.x agree on labels, not on whether
# `ps` lists a container that has exited.
coordinator_container() {
  docker ps -a -q --filter "label=com.docker.compose.project=$project" \
    --filter label=com.docker.compose.service=coordinator | head -n 1
}

# Starts the cluster detached and waits for the coordinator to exit, leaving
# the nodes and `serve` running; its output in $work/$1.out, the compose log
# in $work/$1.log. The exit status is the coordinator's.
start_cluster() {
  local name=$1
  local start=$SECONDS
  local status=0
  timeout "$limit" "${compose[@]}" "${files[@]}" -p "$project" up $build -d \
    >"$work/$name.log" 2>&1 || status=$?
  build=--no-build
  limit=300
  local coordinator
  coordinator=$(coordinator_container)
  if [ "$status" -ne 0 ] || [ -z "$coordinator" ]; then
    say "$name: up -d failed (status $status)"
    : >"$work/$name.out"
    return 1
  fi
  status=$(timeout 600 docker wait "$coordinator") || status=124
  [ "$status" -ne 124 ] || say "$name: no verdict within 600 s"
  docker logs "$coordinator" >"$work/$name.out" 2>&1 || true
  "${compose[@]}" "${files[@]}" -p "$project" logs --no-color >>"$work/$name.log" 2>&1 || true
  say "$name: coordinator exit status $status after $((SECONDS - start)) s"
  return "$status"
}

run_cluster() {
  local name=$1
  local start=$SECONDS
  local status=0
  timeout "$limit" "${compose[@]}" "${files[@]}" -p "$project" up $build \
    --exit-code-from coordinator >"$work/$name.log" 2>&1 || status=$?
  [ "$status" -ne 124 ] || say "$name: no verdict within $limit s"
  build=--no-build
  limit=300
  local coordinator
  coordinator=$(coordinator_container)
  if [ -n "$coordinator" ]; then
    docker logs "$coordinator" >"$work/$name.out" 2>&1 || true
  else
    : >"$work/$name.out"
  fi
  say "$name: coordinator exit status $status after $((SECONDS - start)) s"
  return "$status"
}

# Fails, showing what the cluster printed, unless $work/$1.out has a line
# matching the extended regular expression $2.
expect_line() {
  if ! grep -Eq -- "$2" "$work/$1.out"; then
    echo "----- coordinator output ($1) -----" >&2
    cat "$work/$1.out" >&2
    echo "----- compose log ($1), last 60 lines -----" >&2
    tail -n 60 "$work/$1.log" >&2
    fail "$1: no line matches /$2/"
  fi
}

show_and_fail() {
  echo "----- compose log ($1) -----" >&2
  tail -n 100 "$work/$1.log" >&2
  fail "$2"
}

# 1. The demo: A on X, B on Y, through the latency of the chaos links; the
# cluster keeps running (the nodes, `serve`) after the coordinator exits.
start_cluster demo || show_and_fail demo "the demo did not exit 0"
expect_line demo '^Stacks run on worker nodes X \(chaos:7001\) and Y \(chaos:7002\)'
expect_line demo '^   A runs on X, B on Y\.$'
# Without callbacks: several outcomes, drawn as histogram rows (count,
# percentage, bar, mark, values).
expect_line demo '^   [2-9] distinct outcomes over 500 completed runs:$'
expect_line demo '^ +[0-9]+ +[0-9.]+% +[^ ]+ +✗ +balance=(150|200|250) '
expect_line demo '→ only [0-9]+ of 500 runs end in 300'
# With callbacks: one outcome, 300, and the verdict.
expect_line demo '^   1 outcome over 500 completed runs:$'
expect_line demo '^ +500 100\.0% +[^ ]+ +✓ +balance=300 A\.a=150 B\.b=300 +\(seed [0-9]+\)$'
expect_line demo '→ PASS: 500/500 runs ended in one outcome that meets every expect$'
expect_line demo '^   3 runs on 2 nodes \(X, Y\): .*speed-up'
expect_line demo '→ PASS: 3/3 runs ended in one outcome that meets every expect$'
# Its last line says where the pages are.
last=$(tail -n 1 "$work/demo.out")
[ "$last" = "  open http://localhost:$http_port" ] ||
  show_and_fail demo "the coordinator's last line is '$last', not '  open http://localhost:$http_port'"

# The pages, from the running cluster: `serve` answers at that address (it
# has listened since before the coordinator started; a few tries cover a
# slow proxy), its index lists the demo's report set, and /latest is that
# set's page with the naive and the callbacks runs stepping together.
fetch() {
  local url=http://localhost:$http_port$1
  for _ in $(seq 1 50); do
    if curl -fsSL --max-time 5 "$url" -o "$2" 2>"$work/curl.err"; then
      return 0
    fi
    sleep 0.2
  done
  cat "$work/curl.err" >&2
  show_and_fail demo "could not fetch $url from the running cluster"
}
fetch / "$work/index.html"
grep -q 'demo-transfer' "$work/index.html" ||
  { cat "$work/index.html" >&2; show_and_fail demo "the index at / lists no demo report set"; }
fetch /latest "$work/latest.html"
for want in '<main class="sections cols-2" data-together>' 'id="stepper-data-2"' \
  '<h2>--ordering none' '<h2>--ordering callbacks' 'A on X, B on Y'; do
  grep -qF -- "$want" "$work/latest.html" ||
    show_and_fail demo "the demo's page at /latest lacks $want"
done
say "demo: http://localhost:$http_port/ lists the demo's reports; /latest is its page"

# 2. Another deck, from a mounted folder of ours, by DECK=. The container's
# user (uid 10001) must be able to read it.
decks="$work/decks"
mkdir -p "$decks"
cat >"$decks/e2e.deck" <<'EOF'
# compose_e2e: a deck from a mounted folder. Y waits for X's callback.
shared total = 1
stack first on X:
    read total -> t
    add t 20
    write t -> total
    notify second
stack second on Y:
    await first
    read total -> t
    mul t 2
    write t -> total
expect total == 42
EOF
chmod 755 "$work" "$decks"
chmod 644 "$decks/e2e.deck"
export CARDFLOW_DECKS="$decks" DECK=/decks/e2e.deck DECK_ARGS="--runs 200"
run_cluster deck || show_and_fail deck "the mounted deck did not exit 0"
expect_line deck '^1 outcome over 200 completed runs:$'
expect_line deck '^ +200 100\.0% +[^ ]+ +✓ +total=42'
expect_line deck '^PASS: 200/200 runs ended in one outcome that meets every expect$'

# 3. The same deck with TLS on (docker-compose.tls.yml).
if command -v openssl >/dev/null; then
  bash "$ROOT/scripts/make-dev-certs.sh" "$work/certs" node-x node-y chaos >/dev/null
  chmod -R a+rX "$work/certs"  # the containers' user reads them
  export CARDFLOW_CERTS="$work/certs"
  files+=(-f docker-compose.tls.yml)
  run_cluster tls || show_and_fail tls "the deck with TLS did not exit 0"
  expect_line tls '^PASS: 200/200 runs ended in one outcome that meets every expect$'
  grep -q '\[node X\] listening on .*mutual TLS, token required' "$work/tls.log" ||
    show_and_fail tls "node X did not say it serves mutual TLS with a token"
  tls_result="and with TLS"
else
  [ "${CI:-}" != true ] || fail "openssl is not installed (scripts/install-deps.sh installs it), so the TLS part cannot run"
  say "openssl is not installed: the TLS part is skipped"
  tls_result="(TLS skipped: no openssl)"
fi

say "PASSED: the demo across X and Y through chaos, a deck from a mounted folder, $tls_result"
