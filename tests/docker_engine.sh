# Sourced by the tests that run the Docker cluster (tests/compose/compose_e2e.sh,
# tests/deploy/swarm_e2e.sh): a Docker engine that answers, installed and
# started if need be, and stopped again at the end if the test started it.
#
#   as_root CMD...                  CMD as root (sudo -n if not root), or false
#   docker_engine_up [PACKAGE...]   installs docker.io when dockerd or the
#                                   client is missing (plus PACKAGEs, e.g.
#                                   docker-compose, when given), starts dockerd
#                                   if no engine answers, and waits for it
#   docker_engine_down              stops the dockerd docker_engine_up started,
#                                   unless containers of others run on it
#
# The caller sets DOCKER_TEST_NAME (its messages' prefix) before sourcing
# this, and $work, a scratch folder for the logs, before calling the above.
# Defined here for the caller too:
#
#   say MESSAGE     on stdout
#   skip WHY        exit 77 (CTest's skip) — but a failure under CI=true,
#                   so that CI cannot pass without the test having run
#   fail WHY        exit 1

docker_started_pid=

say() { echo "$DOCKER_TEST_NAME: $*"; }
skip() {
  if [ "${CI:-}" = true ]; then
    echo "$DOCKER_TEST_NAME: FAILED (CI=true, so no skipping): $*" >&2
    exit 1
  fi
  echo "$DOCKER_TEST_NAME: SKIPPED: $*" >&2
  exit 77
}
fail() {
  echo "$DOCKER_TEST_NAME: FAILED: $*" >&2
  exit 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo "$@"
  else
    return 1
  fi
}

docker_engine_up() {
  local missing=("$@")
  # The engine, not just a client: a machine may have a `docker` client (say,
  # a static binary in /usr/local/bin) and no dockerd to answer it.
  # (dockerd lives in /usr/sbin, off a Debian user's PATH.)
  if ! { command -v dockerd || [ -x /usr/sbin/dockerd ]; } >/dev/null ||
    ! command -v docker >/dev/null; then
    missing=(docker.io "${missing[@]}")
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]}"
    as_root true ||
      skip "Docker is not installed (${missing[*]}) and there is no root or sudo to install it"
    if ! { as_root apt-get update -qq &&
      as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$work/apt.log" 2>&1; then
      tail -n 20 "$work/apt.log" >&2
      fail "apt-get could not install ${missing[*]}"
    fi
  fi

  docker info >/dev/null 2>&1 && return 0
  if pgrep -x dockerd >/dev/null; then
    say "dockerd runs but does not answer yet; waiting for it"
  else
    as_root true || skip "no Docker engine answers and there is no root or sudo to start dockerd"
    say "no Docker engine answers; starting dockerd (log: $work/dockerd.log)"
    if [ "$(id -u)" -eq 0 ]; then
      setsid dockerd >"$work/dockerd.log" 2>&1 </dev/null &
    else
      setsid sudo -n dockerd >"$work/dockerd.log" 2>&1 </dev/null &
    fi
    docker_started_pid=$!
  fi
  # Poll the engine itself: it answers once it is ready, not after a guess.
  for _ in $(seq 1 300); do
    docker info >/dev/null 2>&1 && return 0
    if [ -n "$docker_started_pid" ] && ! kill -0 "$docker_started_pid" 2>/dev/null; then
      tail -n 15 "$work/dockerd.log" >&2
      docker_started_pid=
      skip "dockerd cannot run here (its log above)"
    fi
    sleep 0.2
  done
  tail -n 15 "$work/dockerd.log" >&2 2>/dev/null || true
  skip "the Docker engine did not answer within 60 s"
}

docker_engine_down() {
  # The engine this test started goes too, unless someone else's containers
  # run on it by now (a shared machine).
  if [ -n "$docker_started_pid" ] && [ -z "$(docker ps -q 2>/dev/null)" ]; then
    kill "$docker_started_pid" 2>/dev/null || true
    # dockerd stops its containerd and exits within a few seconds.
    for _ in $(seq 1 150); do
      kill -0 "$docker_started_pid" 2>/dev/null || break
      sleep 0.2
    done
  fi
}
