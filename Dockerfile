# Antigravity ERP server image.
#
# Two stages: the build stage has the compiler and -dev packages; the runtime
# stage has only the shared libraries erp-server links against, so the image
# stays small and carries no toolchain. Only erp-server is shipped: admin
# scripts (server/scripts) are run by hand, never from a container.

FROM debian:bookworm AS build

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential pkg-config libmicrohttpd-dev libpq-dev libjansson-dev libsodium-dev git \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .
# .git is not in the build context (.dockerignore), so pass the version in:
#   docker build --build-arg ERP_VERSION=$(git describe --always --dirty) .
ARG ERP_VERSION=unknown
# Just the server binary: tests, test server and tools need packages (check,
# libcurl) that this stage deliberately does not install.
RUN make BUILD=build VERSION="${ERP_VERSION}" build/bin/erp-server

FROM debian:bookworm-slim

# Runtime libraries only; curl is for the HEALTHCHECK.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libmicrohttpd12 libpq5 libjansson4 libsodium23 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*

# Never run as root: a fixed uid so volume permissions and policies can name it.
RUN groupadd --system --gid 10001 erp \
 && useradd --system --uid 10001 --gid erp --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin erp

COPY --from=build /src/build/bin/erp-server /usr/local/bin/erp-server
COPY --from=build /src/server/prisma/migrations /opt/erp/migrations

ENV ERP_MIGRATIONS_DIR=/opt/erp/migrations \
    ERP_HTTP_ADDR=0.0.0.0 \
    ERP_HTTP_PORT=8080 \
    ERP_ENV=production \
    ERP_LOG_FORMAT=json

USER erp
EXPOSE 8080

HEALTHCHECK CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1

# `serve` by default; `docker run IMAGE migrate` applies the schema first.
ENTRYPOINT ["erp-server"]
CMD ["serve"]
