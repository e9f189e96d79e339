#!/usr/bin/env bash
# cardflow-chaos driven by the stock Toxiproxy Node client, unmodified:
#
#   bash tests/chaos/toxiproxy_client_test.sh build/bin/cardflow-chaos
#   (ctest runs it as chaos_toxiproxy_client)
#
# Installs the npm package toxiproxy-node-client (pinned below) into a cache
# directory with npm — never vendored — then runs toxiproxy_client_test.js,
# which starts cardflow-chaos and a loopback echo server and checks every
# step's effect on real TCP connections. Installs Debian's nodejs and npm
# first if they are missing (as root).
#
# Exit status: 0 passed, 1 failed, 77 skipped — only when Node.js or the
# package cannot be installed here, and never with CI=true (then that is a
# failure).
set -euo pipefail

readonly PACKAGE=toxiproxy-node-client
readonly VERSION=4.1.0
readonly SKIP=77
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE

chaos=${1:?usage: toxiproxy_client_test.sh PATH/TO/cardflow-chaos}
chaos=$(cd "$(dirname "$chaos")" && pwd)/$(basename "$chaos")

say() { echo "chaos_toxiproxy_client: $*"; }
cannot() {
  if [ "${CI:-}" = true ]; then
    echo "chaos_toxiproxy_client: FAILED (CI=true, so no skip): $*" >&2
    exit 1
  fi
  echo "chaos_toxiproxy_client: SKIPPED: $*" >&2
  exit "$SKIP"
}

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian's nodejs and npm"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; } \
      >/dev/null 2>&1 || true
  fi
  command -v node >/dev/null && command -v npm >/dev/null || cannot "no node/npm, and cannot install them"
fi
# fetch() is global from Node 18 on, which the client needs.
node -e 'process.exit(typeof fetch === "function" ? 0 : 1)' ||
  cannot "node $(node --version) has no fetch (the client needs Node >= 18)"

cache=${CARDFLOW_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cardflow/npm}/$PACKAGE-$VERSION
if ! node -e "process.exit(require('$cache/node_modules/$PACKAGE/package.json').version === '$VERSION' ? 0 : 1)" 2>/dev/null; then
  say "installing $PACKAGE@$VERSION from npm into $cache"
  mkdir -p "$(dirname "$cache")"
  staging=$(mktemp -d "$(dirname "$cache")/.staging.XXXXXX")
  trap 'rm -rf "$staging"' EXIT
  if ! npm install --prefix "$staging" --no-audit --no-fund --no-save --loglevel=error \
      "$PACKAGE@$VERSION" >"$staging.log" 2>&1; then
    cat "$staging.log" >&2
    rm -f "$staging.log"
    cannot "npm could not install $PACKAGE@$VERSION"
  fi
  rm -f "$staging.log"
  rm -rf "$cache"
  mv "$staging" "$cache"  # whole or not at all
  trap - EXIT
fi

NODE_PATH="$cache/node_modules" node "$HERE/toxiproxy_client_test.js" "$chaos"
