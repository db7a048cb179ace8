# One image for every ClassConnect service; the command (CMD; in Kubernetes `args`, so that tini
# stays the entrypoint) chooses which one runs:
#   node dist/apps/<gateway|identity-service|session-service|verification-service|report-service>/src/main.js
#   node dist/apps/<identity-service|verification-service|report-service>/src/migrate.js   (the migration Jobs)
# Build:   docker build -t classconnect .        (or podman; docs/deploy.md)
# Offline, on a machine without Docker Hub (what `node scripts/image.mjs build` does):
#   podman build --network host -v /etc/ssl/certs:/etc/ssl/certs:ro \
#     --build-arg NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
#     --build-arg NODE_IMAGE=localhost/node:24-bookworm -t classconnect .
# The base must be Node 24 (LTS) on Debian bookworm with a `node` user of uid 1000, as the official image has.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
# For a registry reached through a certificate authority only the build host trusts (mounted at
# build time, see above); the built image does not keep it.
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
ENV NODE_ENV=development
COPY package.json package-lock.json ./
# Every dependency (the build needs TypeScript and Vite); the lockfile decides the versions.
RUN npm ci --no-audit --no-fund --loglevel=warn
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts ./scripts
COPY libs ./libs
COPY apps ./apps
# Compile the services and the web client into dist/, then keep only production dependencies.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund --loglevel=warn \
 && rm -rf dist/libs/testing dist/node_modules/@classconnect/testing \
 && find dist -name '*.spec.js*' -delete

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
# tini as PID 1: it forwards SIGTERM to node and reaps children. Node as PID 1 would ignore a
# signal it re-raises after its shutdown hooks (the kernel drops default actions for PID 1), and
# the pod would wait for SIGKILL at the end of its grace period.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends tini >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
WORKDIR /app
COPY --from=build --chown=0:0 /app/package.json ./
COPY --from=build --chown=0:0 /app/node_modules ./node_modules
COPY --from=build --chown=0:0 /app/dist ./dist
# The files belong to root and are read-only for the service; it runs as uid 1000 (numeric, so
# Kubernetes' runAsNonRoot can check it) and writes nothing but to stdout (and /tmp if mounted).
USER 1000:1000
EXPOSE 3000 9100
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "--max-semi-space-size=32", "dist/apps/gateway/src/main.js"]
