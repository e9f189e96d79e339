#!/usr/bin/env bash
# Installs every Debian (bookworm) package that cardflow's build and tests
# need. Idempotent: when all are present it changes nothing and needs no
# network; otherwise it runs `apt-get update` once and installs the missing
# ones. Works as root, and through sudo otherwise.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libssl-dev
  libasio-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libcpp-httplib-dev prometheus-cpp-dev
)
# Tests only: HtmlBrowserTest (tests/trace) opens the HTML report in Debian's
# headless Chromium, and skips without it. CARDFLOW_NO_BROWSER=1 leaves it out
# (an image that only runs cardflow does not need a browser).
if [ -z "${CARDFLOW_NO_BROWSER:-}" ]; then
  PACKAGES+=(chromium fonts-liberation)
fi
# Tests only: the `clang` preset (thread-safety analysis) and the `fuzz`
# preset (libFuzzer: its runtime is in libclang-rt-14-dev), both run by
# scripts/test.sh. CARDFLOW_NO_CLANG=1 leaves them out (the Docker image).
if [ -z "${CARDFLOW_NO_CLANG:-}" ]; then
  PACKAGES+=(clang libclang-rt-14-dev)
fi
# scripts/make-dev-certs.sh (TLS certificates for docs/lan.md) and the TLS
# tests, which make their certificates with it.
PACKAGES+=(openssl)
# Tests only: tests/docs/run_docs.py runs the commands of README.md and docs/.
PACKAGES+=(python3)
# Tests only: bench/load.sh, soak.sh and backpressure.sh (their smoke tests
# run in ctest) read the reports with jq and drive cardflow-chaos with curl.
PACKAGES+=(jq curl)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages are installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "install-deps: missing ${missing[*]}; run this script as root or install sudo" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
