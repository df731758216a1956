# syntax=docker/dockerfile:1
# Every service of the hub in one image definition: the hub front and each connector.
# The CLI is the composition root and loads every built-in connector, so one source tree serves
# them all; the build argument SERVICE names the `mcp-hub` command the image runs by default:
#
#   docker build -t mcp-hub/hub .                                              # mcp-hub hub
#   docker build --build-arg SERVICE="connector database" -t mcp-hub/connector-database .
#
# A command given at run time wins (`docker run mcp-hub/hub connector helpdesk`), as does
# `command:` in compose and `args:` in Kubernetes. The health check follows the same command:
# the hub is healthy when /readyz answers 200, a connector while its process runs
# (bin/container-healthcheck).
#
# Dependencies: the CLI runs from TypeScript source through tsx (bin/mcp-hub), and tsx is a
# devDependency, so `npm ci --omit=dev` alone would give an image that cannot start. Installing
# everything would ship nx, eslint, jest, swc and typescript (hundreds of MB, and more attack
# surface). So: the production tree from `npm ci --omit=dev`, plus exactly the packages tsx
# needs, copied from a full install of the same lockfile (`npm query` lists tsx and its
# dependencies with their lockfile locations, which are the same in both trees). The build ends
# by loading the CLI, so a missing runtime package fails the build, not the container.

ARG NODE_IMAGE=node:22-bookworm-slim

# Only the package manifests, so the dependency layers are cached until a manifest changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /manifests/ \; \
 && cp package-lock.json /manifests/

# Toolchain for native modules (better-sqlite3) in case no prebuilt binary matches.
FROM ${NODE_IMAGE} AS build-base
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=manifests /manifests/ ./

FROM build-base AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund

FROM build-base AS tsx
# Lifecycle scripts are not needed here (esbuild finds its platform package without them).
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && mkdir -p /tsx \
 && npm query '#tsx, #tsx *' \
    | node -e 'for (const p of JSON.parse(require("fs").readFileSync(0, "utf8"))) console.log(p.location)' \
    | sort -u | while read -r location; do \
         [ -e "/tsx/$location" ] || { mkdir -p "/tsx/$(dirname "$location")" && cp -a "$location" "/tsx/$location"; }; \
       done \
 && test -d /tsx/node_modules/tsx

FROM ${NODE_IMAGE} AS runtime
# `hub`, or `connector <id>` for a built-in connector or one named by connectors.<id>.module.
ARG SERVICE=hub
ENV NODE_ENV=production \
    MCP_HUB_SERVICE=${SERVICE} \
    MCP_HUB_DATA_DIR=/var/lib/mcp-hub \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
# Code and dependencies belong to root and are read-only for the service user; only the data
# directory is writable (tsx caches its compiled files under /tmp).
COPY --from=prod-deps /app/ ./
COPY --from=tsx /tsx/ ./
COPY tsconfig.base.json ./
COPY bin/ ./bin/
COPY libs/ ./libs/
COPY apps/ ./apps/
COPY connectors/ ./connectors/
RUN mkdir -p /var/lib/mcp-hub && chown node:node /var/lib/mcp-hub \
 && node bin/mcp-hub --help > /dev/null && rm -rf /tmp/tsx-* \
 && case "$SERVICE" in hub|"connector "*) ;; *) echo "SERVICE must be hub or 'connector <id>', not '$SERVICE'" >&2; exit 1;; esac
# `node` (uid 1000) comes with the official image.
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "bin/container-healthcheck"]
# No CMD: without arguments the CLI runs $MCP_HUB_SERVICE (see the top of this file).
ENTRYPOINT ["node", "bin/mcp-hub"]
