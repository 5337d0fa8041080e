#!/usr/bin/env bash
# The full connection-storm check, by hand (the suite runs fewer rounds to
# stay under a minute per file): 20 `reconcile --apply` processes and 20
# `serve` rounds while every controller backend is terminated every 0.1 s.
# Needs DATABASE_URL (a server where test databases may be created).
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres scripts/connection-storm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL server where test databases may be created}"
export REQUIRE_DATABASE=1 CLASSCTL_STORM_RUNS="${CLASSCTL_STORM_RUNS:-20}" CLASSCTL_STORM_ROUNDS="${CLASSCTL_STORM_ROUNDS:-20}"
exec npx tap --timeout 1200 test/faults/storm-cli.test.ts test/faults/storm-serve.test.ts
