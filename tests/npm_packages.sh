# Sourced by the tests that run npm packages (tests/chaos/toxiproxy_client_test.sh,
# tests/deploy/kubernetes_test.sh): Node.js and npm present (Debian's
# installed as root if missing), and npm packages installed — never vendored —
# into a cache directory, once.
#
#   need_node TEST_NAME            node >= 18 with npm, or `cannot`
#   npm_cached DIR_NAME PKG@VER... prints the node_modules of those
#                                  packages under $CARDFLOW_NPM_CACHE (default
#                                  ~/.cache/cardflow/npm), installing them first
#                                  if that directory does not have them all
#
# `cannot WHY` (defined here) skips the test (exit 77), or fails it when
# CI=true: a CI machine must run it.

cannot() {
  if [ "${CI:-}" = true ]; then
    echo "$NPM_TEST_NAME: FAILED (CI=true, so no skip): $*" >&2
    exit 1
  fi
  echo "$NPM_TEST_NAME: SKIPPED: $*" >&2
  exit 77
}

need_node() {
  NPM_TEST_NAME=$1
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
      echo "$NPM_TEST_NAME: installing Debian's nodejs and npm" >&2
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; } \
        >/dev/null 2>&1 || true
    fi
    command -v node >/dev/null && command -v npm >/dev/null ||
      cannot "no node/npm, and cannot install them"
  fi
  # fetch() is global from Node 18 on.
  node -e 'process.exit(typeof fetch === "function" ? 0 : 1)' ||
    cannot "node $(node --version) is older than 18"
}

npm_cached() {
  local dir=${CARDFLOW_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cardflow/npm}/$1
  shift
  local have=true spec
  for spec in "$@"; do
    node -e "process.exit(require('$dir/node_modules/${spec%@*}/package.json').version === '${spec##*@}' ? 0 : 1)" \
      2>/dev/null || have=false
  done
  if [ "$have" = false ]; then
    echo "$NPM_TEST_NAME: installing $* from npm into $dir" >&2
    mkdir -p "$(dirname "$dir")"
    local staging
    staging=$(mktemp -d "$(dirname "$dir")/.staging.XXXXXX")
    if ! npm install --prefix "$staging" --no-audit --no-fund --no-save --loglevel=error "$@" \
      >"$staging.log" 2>&1; then
      cat "$staging.log" >&2
      rm -rf "$staging" "$staging.log"
      cannot "npm could not install $*"
    fi
    rm -f "$staging.log"
    rm -rf "$dir"
    mv "$staging" "$dir" # whole or not at all
  fi
  echo "$dir/node_modules"
}
