#!/usr/bin/env bash
# cardflow-chaos driven by the stock Toxiproxy Node client, unmodified:
#
#   bash tests/chaos/toxiproxy_client_test.sh build/bin/cardflow-chaos
#   (ctest runs it as chaos_toxiproxy_client)
#
# Installs the npm package toxiproxy-node-client (pinned below) into a cache
# directory with npm — never vendored (tests/npm_packages.sh) — then runs
# toxiproxy_client_test.js, which starts cardflow-chaos and a loopback echo
# server and checks every step's effect on real TCP connections.
#
# Exit status: 0 passed, 1 failed, 77 skipped — only when Node.js or the
# package cannot be installed here, and never with CI=true (then that is a
# failure).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
# shellcheck source=../npm_packages.sh
source "$HERE/../npm_packages.sh"

chaos=${1:?usage: toxiproxy_client_test.sh PATH/TO/cardflow-chaos}
chaos=$(cd "$(dirname "$chaos")" && pwd)/$(basename "$chaos")

need_node chaos_toxiproxy_client
modules=$(npm_cached toxiproxy-node-client-4.1.0 toxiproxy-node-client@4.1.0)
NODE_PATH="$modules" node "$HERE/toxiproxy_client_test.js" "$chaos"
