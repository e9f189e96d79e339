#!/usr/bin/env bash
# deploy/kubernetes/cardflow.yaml run for real, without a cluster: its pods as
# Docker containers, as a kubelet would run them.
#
#   bash tests/deploy/kubernetes_docker_e2e.sh   (ctest runs it as kubernetes_docker_e2e)
#
# There is no Kubernetes here, but what the schemas and the wiring test
# cannot tell — do the certificates docs/kubernetes.md makes fit the names
# the pods are dialled at, does the kubelet's plaintext gRPC probe get
# SERVING, do the Secrets' files land where the flags say — only running
# the pods can. So: the Docker engine (tests/docker_engine.sh), the image
# (cardflow:local, as compose_e2e builds it; used by its ID), the
# certificates and token made exactly as docs/kubernetes.md says, and
# kubernetes_docker.mjs runs each StatefulSet replica with its command,
# user, read-only root, volumes and the DNS names of the headless Service,
# probes each as the kubelet would, then runs the Job's init container and
# coordinator, which must PASS. Everything it started is removed at the
# end, pass or fail.
#
# Exit status: 0 passed, 1 failed, 77 skipped — only where Docker or
# Node.js cannot run here, and never with CI=true.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
ROOT=$(cd "$HERE/../.." && pwd)
readonly ROOT
DOCKER_TEST_NAME=kubernetes_docker_e2e
# say, skip, fail; docker_engine_up, docker_engine_down
# shellcheck source=../docker_engine.sh
source "$ROOT/tests/docker_engine.sh"
# shellcheck source=../npm_packages.sh
source "$HERE/../npm_packages.sh"

work=$(mktemp -d /tmp/cardflow-k8s-docker.XXXXXX)
run="cfk8s$$"
label="cardflow.test=$run"
network=

cleanup() {
  local status=$?
  local containers
  containers=$(docker ps -aq --filter "label=$label" 2>/dev/null || true)
  # shellcheck disable=SC2086 # a list of IDs
  [ -z "$containers" ] || docker rm -f $containers >/dev/null 2>&1 || true
  [ -z "$network" ] || docker network rm "$network" >/dev/null 2>&1 || true
  docker_engine_down
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

need_node kubernetes_docker_e2e
modules=$(npm_cached kubernetes-models-5.1.0 kubernetes-models@5.1.0 yaml@2.9.1 typescript@5.9.3)
command -v openssl >/dev/null || fail "openssl is not installed (scripts/install-deps.sh installs it)"

docker_engine_up
bash "$ROOT/scripts/make-base-image.sh" || fail "no debian:bookworm-slim image (above)"
say "building cardflow:local (log: $work/build.log)"
timeout 1800 docker build -t cardflow:local "$ROOT" >"$work/build.log" 2>&1 || {
  tail -n 40 "$work/build.log" >&2
  fail "docker build failed (above)"
}
image=$(docker image inspect -f '{{.Id}}' cardflow:local)

# The Secrets, as docs/kubernetes.md makes them (namespace default, two
# replicas). The pods' fsGroup makes the keys readable by group 10001;
# here, by everyone in this scratch folder.
names=()
for i in 0 1; do
  names+=("cardflow-node-$i.cardflow-nodes" "cardflow-node-$i.cardflow-nodes.default.svc.cluster.local")
done
bash "$ROOT/scripts/make-dev-certs.sh" "$work/certs" "${names[@]}" >/dev/null
chmod 755 "$work"
chmod -R a+rX "$work/certs"
c="$work/certs"
secrets=$(printf '{"cardflow-tls": {"ca.pem": "%s", "node.pem": "%s", "node.key": "%s", "client.pem": "%s", "client.key": "%s"}, "cardflow-token": {"token": "%s"}}' \
  "$c/ca.pem" "$c/node.pem" "$c/node.key" "$c/client.pem" "$c/client.key" "$c/token")

network="$run"
docker network create --label "$label" "$network" >/dev/null
node "$HERE/kubernetes_docker.mjs" "$modules" "$ROOT/deploy/kubernetes/cardflow.yaml" "$image" \
  "$network" "$label" "$secrets" "$work" >"$work/out.log" 2>&1 || {
  cat "$work/out.log" >&2
  fail "the pods did not run as the manifests say (above)"
}
grep -E '^kubernetes_docker: ' "$work/out.log"
grep -Eq '^ +100 100\.0% +[^ ]+ +✓ +balance=300 ' "$work/out.log" &&
  grep -Eq '^PASS: 100/100 runs ended in one outcome that meets every expect$' "$work/out.log" || {
  cat "$work/out.log" >&2
  fail "the Job's report is not transfer.deck's PASS (above)"
}
say "PASSED: the StatefulSet's pods with mutual TLS and the token from the Secrets, the kubelet's probes on the health port, the Job's PASS"
