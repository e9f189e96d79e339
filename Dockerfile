# cardflow on Debian bookworm, built with the same script and preset as a
# native checkout. `docker compose up --build` runs the demo (docker-compose.yml).
FROM debian:bookworm

WORKDIR /src
# Dependencies first, in their own layer: editing the code does not refetch them.
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN bash scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*

COPY . .
RUN cmake --preset default -DBUILD_TESTING=OFF -DCARDFLOW_BUILD_BENCH=OFF \
 && cmake --build --preset default -j2

ENTRYPOINT ["/src/build/bin/cardflow-coordinator"]
CMD ["demo", "--local"]
