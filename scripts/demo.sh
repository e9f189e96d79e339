#!/usr/bin/env bash
# The main job without Docker: install the Debian packages, build every
# program (coordinator, node, chaos proxy, probe) into build/bin/ — so the
# README's commands work with build/bin on PATH — and run the demo with
# every stack in this process. Extra arguments go to `demo` (see `build/bin/cardflow-coordinator
# demo --help`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
cmake --preset default
cmake --build --preset default -j2 \
  --target cardflow-coordinator cardflow-node cardflow-chaos cardflow-probe
exec build/bin/cardflow-coordinator demo --local "$@"
