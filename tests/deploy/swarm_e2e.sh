#!/usr/bin/env bash
# End to end: deploy/swarm/cardflow.yml on a Docker Swarm of this machine.
#
#   bash tests/deploy/swarm_e2e.sh          (ctest runs it as swarm_e2e)
#
# Brings up a Docker engine as compose_e2e does (tests/docker_engine.sh:
# installs docker.io when dockerd is missing, starts dockerd if none
# answers), makes the base image if it is missing
# (scripts/make-base-image.sh) and builds cardflow:local from the
# Dockerfile — the image compose_e2e builds, so after it this is a cache hit.
# Then:
#   1. `docker swarm init --advertise-addr 127.0.0.1` (a swarm that is already
#      active and managed here is used as it is, and left alone);
#   2. `docker stack deploy` of the stack file, with the image referenced by
#      its ID: a swarm would otherwise try to pull cardflow:local from a
#      registry, and every machine of this swarm has the image;
#   3. waits (up to 10 minutes) for the coordinator service's one task to
#      end, and checks from `docker service logs` that transfer.deck with
#      callbacks passed: 200/200 runs in balance=300, PASS, task Complete;
#   4. `docker stack rm`, waits for its containers and network to go, and
#      `docker swarm leave --force` (if it made the swarm) — also when a
#      step fails (trap).
#
# Exit status: 0 passed, 1 failed (with the coordinator's and the services'
# logs), 77 skipped — only where Docker cannot run at all here, and never
# with CI=true: there every such reason is a failure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
DOCKER_TEST_NAME=swarm_e2e
# say, skip, fail; docker_engine_up, docker_engine_down
# shellcheck source=../docker_engine.sh
source "$ROOT/tests/docker_engine.sh"

work=$(mktemp -d /tmp/cardflow-swarm-e2e.XXXXXX)
stack=
joined_swarm=
made_gwbridge=

# Polls CMD... once a second until it succeeds or SECONDS_LIMIT pass.
poll() {
  local limit=$1
  shift
  local deadline=$((SECONDS + limit))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 1
  done
}

stack_gone() {
  [ -z "$(docker ps -aq --filter "label=com.docker.stack.namespace=$stack" 2>/dev/null)" ] &&
    [ -z "$(docker network ls -q --filter "label=com.docker.stack.namespace=$stack" 2>/dev/null)" ]
}

cleanup() {
  local status=$?
  if [ -n "$stack" ]; then
    docker stack rm "$stack" >"$work/rm.log" 2>&1 ||
      { echo "swarm_e2e: stack rm failed:" >&2; cat "$work/rm.log" >&2; }
    poll 60 stack_gone || echo "swarm_e2e: the stack's containers or network outlived 60 s" >&2
  fi
  if [ -n "$joined_swarm" ]; then
    docker swarm leave --force >"$work/leave.log" 2>&1 ||
      { echo "swarm_e2e: swarm leave failed:" >&2; cat "$work/leave.log" >&2; }
    # The bridge `swarm init` made outlives the swarm; ours goes too.
    [ -z "$made_gwbridge" ] || docker network rm docker_gwbridge >/dev/null 2>&1 || true
  fi
  docker_engine_down
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- Docker, the image, the swarm -------------------------------------------

docker_engine_up
say "Docker $(docker version -f '{{.Server.Version}}')"
bash "$ROOT/scripts/make-base-image.sh" || fail "no debian:bookworm-slim image (above)"

say "building cardflow:local (log: $work/build.log)"
start=$SECONDS
timeout 1800 docker build -t cardflow:local "$ROOT" >"$work/build.log" 2>&1 || {
  tail -n 40 "$work/build.log" >&2
  fail "docker build failed (above)"
}
image=$(docker image inspect -f '{{.Id}}' cardflow:local)
say "image $image after $((SECONDS - start)) s"

state=$(docker info -f '{{.Swarm.LocalNodeState}}')
case "$state" in
  inactive)
    [ -n "$(docker network ls -q --filter name='^docker_gwbridge$')" ] || made_gwbridge=yes
    # Loopback only: the swarm's API, gossip and overlay traffic stay on
    # this machine.
    docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 \
      >"$work/init.log" 2>&1 || {
      cat "$work/init.log" >&2
      skip "docker swarm init failed here (above)"
    }
    joined_swarm=yes
    say "swarm initialised (advertise 127.0.0.1)"
    ;;
  active)
    [ "$(docker info -f '{{.Swarm.ControlAvailable}}')" = true ] ||
      fail "this engine is a swarm worker, not a manager: it cannot deploy a stack"
    say "using the swarm this engine already manages"
    ;;
  *) fail "the engine's swarm state is '$state'; expected inactive or active" ;;
esac

# --- the stack ---------------------------------------------------------------

stack="cfswarm$$"
cd "$ROOT"
# The stack file's knobs, as a user who set none of them (but the image).
unset DECK_FILE DECK_NAME DECK_ARGS CARDFLOW_LATENCY_MS CARDFLOW_JITTER_MS CARDFLOW_CHAOS_SEED
CARDFLOW_IMAGE=$image docker stack deploy --resolve-image never -c deploy/swarm/cardflow.yml \
  "$stack" >"$work/deploy.log" 2>&1 || {
  cat "$work/deploy.log" >&2
  fail "docker stack deploy failed (above)"
}
say "deployed stack $stack"

coordinator="${stack}_coordinator"
task_state() {
  docker service ps "$coordinator" --no-trunc --format '{{.CurrentState}}|{{.Error}}' 2>/dev/null |
    head -n 1
}
task_over() {
  case "$(task_state)" in
    Complete* | Failed* | Rejected* | Shutdown* | Orphaned*) return 0 ;;
    *) return 1 ;;
  esac
}
start=$SECONDS
if ! poll 600 task_over; then
  docker service ls >&2 || true
  fail "the coordinator gave no verdict within 600 s (task: $(task_state))"
fi
final=$(task_state)
docker service logs --raw "$coordinator" >"$work/coordinator.out" 2>&1 || true
say "coordinator task: $final after $((SECONDS - start)) s"

show_and_fail() {
  echo "----- coordinator output -----" >&2
  cat "$work/coordinator.out" >&2
  for service in node-x node-y chaos; do
    echo "----- ${stack}_$service, last 20 lines -----" >&2
    docker service logs --raw "${stack}_$service" 2>&1 | tail -n 20 >&2 || true
  done
  fail "$*"
}
expect_line() {
  grep -Eq -- "$1" "$work/coordinator.out" || show_and_fail "no line of the coordinator matches /$1/"
}

case "$final" in
  Complete*) ;;
  *) show_and_fail "the coordinator's task ended '$final', not Complete (exit status 0)" ;;
esac
expect_line '^/decks/transfer\.deck · ordering callbacks · 200 runs .* placement A on X, B on Y$'
expect_line '^1 outcome over 200 completed runs:$'
expect_line '^ +200 100\.0% +[^ ]+ +✓ +balance=300 A\.a=150 B\.b=300 '
expect_line '^PASS: 200/200 runs ended in one outcome that meets every expect$'

say "PASSED: transfer.deck across X and Y through chaos on a swarm, 200/200 runs PASS"
