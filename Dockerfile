# duet in a container: build on Debian 12, run on Debian 12 slim as the non-root user "duet".
# One image for both instances; the command names the instance (cache or queue), see
# compose.yaml and deploy/docker/entrypoint.sh. The entrypoint starts as root only to read the
# password from the root-only secret file, then runs the server as duet (setpriv). Plain Dockerfile syntax (no BuildKit-only
# features): it builds with the classic builder and with BuildKit alike.

FROM debian:bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config libfmt-dev libxxhash-dev libjemalloc-dev \
      liblzf-dev liblua5.1-0-dev lua-cjson-dev lua-bitop-dev libmsgpack-dev libssl-dev libcivetweb-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt CMakePresets.json ./
COPY bench/loadgen bench/loadgen
COPY src src
RUN cmake --preset release -DDUET_TESTS=OFF >/dev/null \
 && cmake --build build/release --target duet-server -j "$(nproc)" \
 && strip build/release/duet-server

FROM debian:bookworm-slim
# Runtime libraries of duet-server, and redis-tools for redis-cli (healthchecks, the
# operator's `docker compose exec ... redis-cli`) and redis-check-rdb/aof.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libjemalloc2 libxxhash0 libssl3 libfmt9 liblzf1 libcivetweb1 redis-tools \
 && rm -rf /var/lib/apt/lists/* \
 && (getent group duet >/dev/null || groupadd --system --gid 999 duet) \
 && useradd --system --uid 999 --gid duet --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin duet \
 && install -d -o duet -g duet -m 0700 /data
COPY --from=build /src/build/release/duet-server /usr/local/bin/duet-server
COPY deploy/cache.conf deploy/queue.conf /etc/duet/
COPY deploy/docker/entrypoint.sh /usr/local/bin/duet-entrypoint
COPY deploy/docker/healthcheck.sh /usr/local/bin/duet-healthcheck
COPY deploy/docker/password.sh /usr/local/bin/duet-password
WORKDIR /data
# 6379: the server; 9121: its metrics and status page when metrics-port 9121 is given.
EXPOSE 6379 9121
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD ["duet-healthcheck"]
ENTRYPOINT ["duet-entrypoint"]
CMD ["cache"]
