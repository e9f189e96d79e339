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
COPY docker/build-programs.sh /usr/local/bin/

# Only what the four programs are made of, folder by folder, so that an edit
# to docs, tests, scripts or the compose files keeps the compile layer
# cached. A new top-level source folder goes here too (CMake says so if it
# is missing).
WORKDIR /src
COPY CMakeLists.txt ./
COPY examples examples/
COPY common common/
COPY proto proto/
COPY node node/
COPY probe probe/
COPY coordinator coordinator/
COPY chaos chaos/
# A Release unity build of the four programs, stripped, into /out/bin
# (docker/build-programs.sh: why unity, and its fallback).
# --build-arg UNITY=OFF builds file by file, JOBS sets the parallel jobs.
ARG JOBS=2
ARG UNITY=ON
RUN build-programs.sh "${JOBS}" "${UNITY}"

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
 && groupadd --system --gid 10001 cardflow \
 && useradd --system --uid 10001 --gid cardflow --home-dir /cardflow \
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
# The mount point of docker-compose.yml's `reports` volume: a new volume
# takes this directory's owner, so the coordinator (not root) can write there.
RUN install -d -o cardflow -g cardflow /reports

USER cardflow
WORKDIR /cardflow
# Plain `docker run` tells the demo in one process; docker-compose.yml gives
# each service its own command.
CMD ["cardflow-coordinator", "demo", "--local"]
