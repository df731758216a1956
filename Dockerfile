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
# The image runs the compiled JavaScript of `npm run build` (dist/: one esbuild bundle of this
# repository's code; packages from node_modules stay run-time requires), with MCP_HUB_RUNTIME=compiled:
# no tsx, no esbuild, no TypeScript source at run time. Dependencies are the production tree of
# `npm ci --omit=dev`; the build stage installs everything to run esbuild, and its output
# (`node scripts/build.js --runtime-tree`: dist/, bin/, manifests and the non-TypeScript files the
# bundles read, such as the CLI's policy) is all the runtime stage takes from it. The build fails
# if a bundle requires a package that is not a production dependency, and the image build ends by
# loading the CLI, so a missing runtime package fails the build, not the container.

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

FROM build-base AS build
# Lifecycle scripts are not needed here (esbuild finds its platform package without them).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node scripts/build.js --runtime-tree /runtime

FROM ${NODE_IMAGE} AS runtime
# `hub`, or `connector <id>` for a built-in connector or one named by connectors.<id>.module.
ARG SERVICE=hub
ENV NODE_ENV=production \
    MCP_HUB_SERVICE=${SERVICE} \
    MCP_HUB_RUNTIME=compiled \
    MCP_HUB_DATA_DIR=/var/lib/mcp-hub \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
# Code and dependencies belong to root and are read-only for the service user; only the data
# directory is writable.
COPY --from=prod-deps /app/ ./
COPY --from=build /runtime/ ./
RUN mkdir -p /var/lib/mcp-hub && chown node:node /var/lib/mcp-hub \
 && node bin/mcp-hub --help > /dev/null \
 && node -e 'for (const p of ["tsx", "esbuild", "typescript"]) { try { require.resolve(p) } catch { continue } console.error(p + " must not be in the image"); process.exit(1) }' \
 && case "$SERVICE" in hub|"connector "*) ;; *) echo "SERVICE must be hub or 'connector <id>', not '$SERVICE'" >&2; exit 1;; esac
# `node` (uid 1000) comes with the official image.
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "bin/container-healthcheck"]
# No CMD: without arguments the CLI runs $MCP_HUB_SERVICE (see the top of this file).
ENTRYPOINT ["node", "bin/mcp-hub"]
