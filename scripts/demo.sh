#!/usr/bin/env bash
# The main job without Docker: install the Debian packages, build the
# programs into build/bin/, and run the demo with every stack in this
# process. Extra arguments go to `demo` (see `build/bin/cardflow-coordinator
# demo --help`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
cmake --preset default
cmake --build --preset default -j2 --target cardflow-coordinator
exec build/bin/cardflow-coordinator demo --local "$@"
