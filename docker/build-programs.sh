#!/bin/sh
# The Dockerfile's compile step: the four programs from /src into /out/bin,
# Release, stripped. With UNITY=ON (the default) it is a unity build: each
# target's sources compiled as a few large files, so the gRPC and Asio
# headers are parsed a few times rather than once per file — about a third
# less compile time. Two files of one target that define the same name in
# an anonymous namespace compile natively but not as one unity file; then
# this says so and builds file by file, so the image still builds (rename
# one of the two to get the quick build back).
#
#   build-programs.sh JOBS UNITY
set -eu
jobs=$1
unity=$2
programs="cardflow-node cardflow-coordinator cardflow-probe cardflow-chaos"

configure() {
  cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_UNITY_BUILD="$1" \
    -DBUILD_TESTING=OFF -DCARDFLOW_BUILD_BENCH=OFF
}

configure "$unity"
# shellcheck disable=SC2086 # $programs is a list of targets
if ! cmake --build /build -j"$jobs" --target $programs; then
  [ "$unity" = ON ] || exit 1
  echo "build-programs: the unity build failed (above: two files of one target" \
    "define the same name?); building file by file instead" >&2
  configure OFF
  # shellcheck disable=SC2086
  cmake --build /build -j"$jobs" --target $programs
fi
mkdir -p /out/bin
for program in $programs; do
  install -s "/build/bin/$program" /out/bin/
done
