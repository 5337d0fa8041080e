# syntax=docker/dockerfile:1
# classctl image: the compiled program, production dependencies only, non-root.
# No Docker engine runs in this repository's CI, so this file is not built
# there; see docs/kubernetes.md ("The image").
#
#   docker build -t class-series-controller:0.1.0 .
#   docker run --rm -e DATABASE_URL=postgres://… class-series-controller:0.1.0 migrate

# ---- build: compile TypeScript to dist/ ------------------------------------
FROM node:20-slim AS build
WORKDIR /app
# patches/ before `npm ci`: its postinstall (patch-package --error-on-fail)
# patches postgres.js, and fails the build when a patch does not apply.
COPY package.json package-lock.json ./
COPY patches ./patches
# Its prepare script builds dist/ only where the sources are: not yet here.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY controller ./controller
COPY schemas ./schemas
# `npm run build`: tsc (it also emits the imported schemas/*.json into
# dist/schemas), then the migration SQL files, which are read at run time from
# ./migrations next to the compiled dist/controller/store/migrate.js.
RUN npm run build

# ---- runtime ------------------------------------------------------------------
FROM node:20-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# The same patches again: this stage installs its own node_modules, and an
# unpatched postgres.js can crash the process when a connection is killed.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && groupadd --system --gid 10001 classctl \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin classctl
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY schemas ./schemas
# Numeric, so that Kubernetes can verify runAsNonRoot without /etc/passwd.
USER 10001:10001
EXPOSE 8080
# bin/classctl.js runs dist/ because the .ts sources are not in the image (and
# npm ci's prepare script built nothing above, for the same reason).
ENTRYPOINT ["node", "/app/bin/classctl.js"]
CMD ["--help"]
