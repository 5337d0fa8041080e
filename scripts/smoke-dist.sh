#!/usr/bin/env bash
# Smoke test of what the image runs, without a Docker engine: the compiled
# dist/ with production dependencies only, laid out as the Dockerfile's runtime
# stage lays it out, against a fresh PostgreSQL database.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bash scripts/smoke-dist.sh
#
# It checks that `npm ci --omit=dev` applies the postgres.js patch (and fails
# when it does not apply), that tsx is not a production dependency, and that
# the built CLI migrates, loads, plans, applies, and plans nothing on a second
# apply. Any failure exits non-zero with a line saying what failed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

fail() { echo "smoke-dist: FAILED: $*" >&2; exit 1; }
step() { echo "smoke-dist: $*" >&2; }

[ -n "${DATABASE_URL:-}" ] || fail "DATABASE_URL is not set: give the URL of a PostgreSQL server (any database on it); a fresh database is created and dropped."

stage=$(mktemp -d "${TMPDIR:-/tmp}/classctl-smoke-dist.XXXXXX")
admin_url="$DATABASE_URL"
db="$(basename "${DATABASE_URL%%\?*}")_smoke_$$"
db_url="${DATABASE_URL%/*}/$db"
cleanup() {
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$stage"
}
trap cleanup EXIT

step "building dist/ (npm run build)"
rm -rf dist
npm run build --silent

# The runtime stage of the Dockerfile: these files, then `npm ci --omit=dev`.
step "installing production dependencies into $stage (npm ci --omit=dev)"
cp -R package.json package-lock.json patches bin schemas dist "$stage/"
(cd "$stage" && NODE_ENV=production npm ci --omit=dev --no-audit --no-fund --prefer-offline --loglevel=error) \
  || fail "npm ci --omit=dev failed (a patch in patches/ that does not apply fails it)"
[ ! -e "$stage/node_modules/tsx" ] || fail "tsx is installed by npm ci --omit=dev: keep it in devDependencies"
[ ! -e "$stage/controller" ] || fail "the TypeScript sources are in the stage directory"
for f in index.html app.js console.css views/schedule.js; do
  [ -f "$stage/dist/controller/server/console/$f" ] || fail "dist/ has no web console file $f: npm run build must copy controller/server/console"
done
grep -q 'classctl patch' "$stage/node_modules/postgres/src/connection.js" \
  || fail "node_modules/postgres is not patched: patches/postgres+*.patch was not applied"

classctl() { (cd "$stage" && node bin/classctl.js --database "$db_url" --config "$repo/config" --log-level warn "$@"); }
summary_of() { node -e 'const p = JSON.parse(require("fs").readFileSync(0, "utf8")); const s = p.summary; console.log(`${s.create} ${s.update} ${s.delete} ${s.cancel} ${s.seriesDeleted}`)'; }

psql "$admin_url" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"$db\"" >/dev/null || fail "could not create database $db"

step "classctl migrate"
classctl migrate >/dev/null || fail "classctl migrate exited $?"

# `load` writes only with --apply where the flag exists (plan first, like reconcile).
load_args=(load)
if classctl load --help | grep -q -- '--apply'; then load_args+=(--apply); fi
step "classctl ${load_args[*]} examples/demo.yaml"
classctl "${load_args[@]}" "$repo/examples/demo.yaml" >/dev/null || fail "classctl ${load_args[*]} exited $?"

step "classctl reconcile --plan"
plan=$(classctl reconcile --plan --output json) || fail "reconcile --plan exited $?"
read -r create _ <<<"$(summary_of <<<"$plan")"
[ "${create:-0}" -gt 0 ] || fail "reconcile --plan on the demo data planned no session to create"

step "classctl reconcile --apply"
applied=$(classctl reconcile --apply --output json) || fail "reconcile --apply exited $?"
read -r created _ <<<"$(summary_of <<<"$applied")"
[ "$created" = "$create" ] || fail "reconcile --apply created ${created:-nothing}, the plan said $create"
sessions=$(psql "$db_url" -Atc "SELECT count(*) FROM class_sessions")
[ "$sessions" = "$create" ] || fail "the database holds $sessions sessions after applying $create"

step "classctl reconcile --apply again: plans nothing"
again=$(classctl reconcile --apply --output json) || fail "the second reconcile --apply exited $?"
[ "$(summary_of <<<"$again")" = "0 0 0 0 0" ] \
  || fail "a second apply planned changes (create update delete cancel seriesDeleted: $(summary_of <<<"$again"))"

echo "smoke-dist: ok: dist/ with production dependencies migrated, loaded, planned $create sessions, applied them, and a second apply changed nothing"
