# cardflow's programs in one small image: cardflow-node, cardflow-coordinator,
# cardflow-probe (healthchecks) and cardflow-chaos. docker-compose.yml runs
# them as a cluster; docs/docker.md says what each step is for.
#
#   docker compose up --build          the demo across nodes X and Y
#   docker build -t cardflow:local .   just the image; `docker run --rm
#                                      cardflow:local` tells the demo locally
#
# FROM debian:bookworm-slim: with no registry, scripts/make-base-image.sh
# builds that image with debootstrap. Plain Dockerfile syntax (no BuildKit
# mounts), so Debian's docker.io and docker-compose 1.x build it as well.

# ---- build: compilers, -dev packages, the sources ----------------------------
FROM debian:bookworm-slim AS build
# The packages first, in their own layer: editing the code does not refetch
# them. The same script as a native checkout, so there is one list to keep;
# it brings the test and benchmark libraries too (a few MB), but not the
# browser the HTML-report test uses (CARDFLOW_NO_BROWSER).
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN CARDFLOW_NO_BROWSER=1 bash /tmp/install-deps.sh && rm -rf /var/lib/apt/lists/*

# Only what the four programs are made of, folder by folder, so that an edit
# to docs, tests, scripts or docker/ keeps the compile layer cached. A new
# top-level source folder goes here too (CMake says so if it is missing).
WORKDIR /src
COPY CMakeLists.txt ./
COPY examples examples/
COPY common common/
COPY proto proto/
COPY node node/
COPY probe probe/
COPY coordinator coordinator/
COPY chaos chaos/
# Release without debug info, and a unity build (each target's sources
# compiled as a few large files, so the gRPC and Asio headers are parsed a
# few times rather than once per file): about a third less compile time,
# the smallest binaries. Two files of one target that define the same name
# in an anonymous namespace break a unity build only; rename one, or build
# with --build-arg UNITY=OFF meanwhile.
ARG JOBS=2
ARG UNITY=ON
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_UNITY_BUILD="${UNITY}" \
      -DBUILD_TESTING=OFF -DCARDFLOW_BUILD_BENCH=OFF \
 && cmake --build /build -j"${JOBS}" \
      --target cardflow-node cardflow-coordinator cardflow-probe cardflow-chaos \
 && install -D -s -t /out/bin /build/bin/cardflow-node /build/bin/cardflow-coordinator \
      /build/bin/cardflow-probe /build/bin/cardflow-chaos

# ---- runtime: shared libraries, the programs, a user that is not root --------
FROM debian:bookworm-slim
# The libraries the programs link (libgrpc++1.51 brings gRPC core, abseil,
# re2, c-ares and OpenSSL); before the programs, so a code change does not
# reinstall them.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libprotobuf32 libspdlog1.10 libfmt9 libcpp-httplib0.11 \
      libprometheus-cpp-pull1.0 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /cardflow \
      --shell /usr/sbin/nologin cardflow \
 && install -d -o cardflow -g cardflow /cardflow

COPY --from=build /out/bin/ /usr/local/bin/
# A library the list above lacks fails the build here, not the cluster later.
RUN if ldd /usr/local/bin/cardflow-* | grep 'not found'; then \
      echo "Dockerfile: the runtime stage lacks the libraries above; add their packages" >&2; \
      exit 1; \
    fi
COPY docker/compose-coordinator.sh /usr/local/bin/cardflow-compose-coordinator
COPY examples /cardflow/examples

USER cardflow
WORKDIR /cardflow
# Plain `docker run` tells the demo in one process; docker-compose.yml gives
# each service its own command.
CMD ["cardflow-coordinator", "demo", "--local"]
