#!/usr/bin/env bash
# deploy/kubernetes/*.yaml checked without a cluster:
#
#   bash tests/deploy/kubernetes_test.sh      (ctest runs it as kubernetes_manifests)
#
# Installs, with npm into a cache directory (tests/npm_packages.sh), the
# Kubernetes API schemas as kubernetes-models (1.27) and their TypeScript
# types, yaml and typescript; then kubernetes_test.mjs validates every
# object against its schema, type-checks it strictly (so a misspelt field
# fails, which the schemas alone allow), and checks the wiring the schemas
# cannot see (docs/kubernetes.md), including that every flag a container
# passes to a cardflow program is one of that program's (its --help).
#
# Exit status: 0 passed, 1 failed, 77 skipped — only when Node.js or the
# packages cannot be installed here, and never with CI=true.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
ROOT=$(cd "$HERE/../.." && pwd)
readonly ROOT
# shellcheck source=../npm_packages.sh
source "$HERE/../npm_packages.sh"

need_node kubernetes_manifests
# The programs, to check the manifests' flags against their --help: CTest
# passes the build's bin/ as CARDFLOW_BIN.
bin=${CARDFLOW_BIN:-$ROOT/build/bin}
for program in cardflow-node cardflow-coordinator cardflow-probe cardflow-chaos; do
  if [ ! -x "$bin/$program" ]; then
    [ "${CI:-}" != true ] || { echo "kubernetes_manifests: FAILED: no $bin/$program to check flags with" >&2; exit 1; }
    echo "kubernetes_manifests: no $bin/$program: the flags are not checked against the programs"
    bin=
    break
  fi
done
modules=$(npm_cached kubernetes-models-5.1.0 kubernetes-models@5.1.0 yaml@2.9.1 typescript@5.9.3)
CARDFLOW_BIN=$bin node "$HERE/kubernetes_test.mjs" "$modules" "$ROOT" "$ROOT"/deploy/kubernetes/*.yaml
