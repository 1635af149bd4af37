# Antigravity ERP image: erp-server and the admin executables beside it.
#
# Reviewed, and checked by tools/check-containers (make test, make lint),
# which parses this file; never built here: no Docker engine runs on our
# development and CI machines. docs/deployment.md says how it is used.
#
# Two stages: the build stage has the compiler and the -dev packages; the
# runtime stage has only the shared libraries the executables link against,
# so the image carries no toolchain. It ships erp-server and every admin
# executable the build makes (server/scripts), but starts only erp-server:
# a person runs a script, by hand (`docker compose run --rm --entrypoint ...`),
# never the image, compose, or a deployment pipeline.
#
#   docker build --build-arg ERP_VERSION="$(git describe --always --dirty)" -t antigravity-erp .

FROM debian:bookworm AS build

# Exactly what tools/install-deps lists for building (its --build group),
# installed by that script itself, so the image and the list cannot drift.
COPY tools/install-deps /src/tools/install-deps
RUN /src/tools/install-deps --build

WORKDIR /src
COPY . .

# .git is not in the build context (.dockerignore): the version comes in as
# an argument, and an image without one is not built. It is compiled in:
# `erp-server --version`, /metrics (erp_build_info), /openapi.json, the
# start-up log, and each script run's row in script_executions.
ARG ERP_VERSION
RUN test -n "${ERP_VERSION}" \
 || { echo "build with --build-arg ERP_VERSION=\$(git describe --always --dirty)" >&2; exit 1; }

# The Makefile's image-root target lays out under build/image/ what the image
# carries, where it carries it: erp-server and every erp-<name> of
# server/scripts/<name>.c in usr/local/bin, the merged role catalog (which
# erp-seed-roles reads by default, from the path given here), the migrations
# and the built web console (served under /console/) in opt/erp.
RUN make -j"$(nproc)" BUILD=build VERSION="${ERP_VERSION}" \
      DEFAULT_ROLE_CATALOG=/opt/erp/role-catalog.json image-root

FROM debian:bookworm-slim

ARG ERP_VERSION
LABEL org.opencontainers.image.title="Antigravity ERP" \
      org.opencontainers.image.version="${ERP_VERSION}"

# Runtime libraries only; curl is for the HEALTHCHECK.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libmicrohttpd12 libpq5 libjansson4 libsodium23 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*

# Never run as root: a fixed uid, so secrets' owners and policies can name it
# (runAsNonRoot needs a number, not a name).
RUN groupadd --system --gid 10001 erp \
 && useradd --system --uid 10001 --gid erp --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin erp

# Owned by root, read-only to uid 10001.
COPY --from=build /src/build/image/ /

# Every shipped executable finds its libraries in this stage (ldd reads them;
# it runs nothing).
RUN ! ldd /usr/local/bin/erp-* | grep -F "not found"

ENV ERP_MIGRATIONS_DIR=/opt/erp/migrations \
    ERP_CONSOLE_DIR=/opt/erp/console \
    ERP_HTTP_ADDR=0.0.0.0 \
    ERP_HTTP_PORT=8080 \
    ERP_ENV=production \
    ERP_LOG_FORMAT=json

USER 10001:10001
EXPOSE 8080

# Ready, not merely alive: /readyz answers 503 while the database is out of
# reach or its schema is not this build's. The port is the container's
# ERP_HTTP_PORT, read when the check runs (shell form: the exec form would
# not expand it).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${ERP_HTTP_PORT}/readyz" || exit 1

# SIGTERM: the server stops accepting, lets in-flight requests finish for
# ERP_SHUTDOWN_GRACE_S, then exits.
STOPSIGNAL SIGTERM

# `serve` by default; `migrate` applies the schema (as the database's owner).
ENTRYPOINT ["erp-server"]
CMD ["serve"]
