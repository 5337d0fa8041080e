#!/usr/bin/env bash
# Start-up time of the CLI against a bare `node -e 0` on the same machine:
# the median wall and CPU time of `classctl --help`, `classctl validate` and
# `classctl explain --branch ID` (the repo's config/, no database) over
# RUNS runs each, and each median's ratio to node's. Run after `npm run build`:
# bin/classctl.js runs the compiled dist/ only when it is up to date.
#
#   bash scripts/measure-startup.sh [RUNS]      (npm run bench:startup)
#
# The machine is shared: repeat it, and read the ratios rather than the times.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}

# "WALL CPU": the median wall time and the median CPU time (user + system) in
# milliseconds of running "$@" $runs times, output discarded. CPU time is less
# disturbed than wall time by other processes on a shared machine.
medians() {
  local walls=() cpus=() t
  for _ in $(seq 1 "$runs"); do
    t=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1 || true; } 2>&1 )
    read -r real user sys <<<"$t"
    walls+=("$real")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')")
  done
  echo "$(median "${walls[@]}") $(median "${cpus[@]}")"
}
median() {
  printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%d", m * 1000 }'
}

# bin/classctl.js runs the sources through tsx when dist/ is older than them: that is not what is measured.
stale=$(node --input-type=module -e "import { staleSource } from './bin/dist-freshness.js'; console.log(staleSource('.') ?? '')")
[ -z "$stale" ] || { echo "measure-startup: dist/ is older than $stale; run \`npm run build\` first" >&2; exit 1; }
branch=$(sed -nE 's/^[[:space:]]*branch:[[:space:]]*"?([A-Za-z0-9._-]+)"?.*/\1/p' config/*.yaml 2>/dev/null | awk 'NR == 1')
branch=${branch:-downtown}

read -r base_wall base_cpu <<<"$(medians node -e 0)"
printf '%-34s %7s %7s\n' '' 'wall ms' 'cpu ms'
printf '%-34s %7s %7s\n' 'node -e 0' "$base_wall" "$base_cpu"
report() {
  local name=$1 wall cpu; shift
  read -r wall cpu <<<"$(medians "$@")"
  printf '%-34s %7s %7s   %4s x node (wall)  %4s x node (cpu)\n' "$name" "$wall" "$cpu" \
    "$(awk -v a="$wall" -v b="$base_wall" 'BEGIN { printf "%.1f", a / b }')" "$(awk -v a="$cpu" -v b="$base_cpu" 'BEGIN { printf "%.1f", a / b }')"
}
report 'classctl --help' node bin/classctl.js --help
report 'classctl validate' node bin/classctl.js --log-level warn validate
report "classctl explain --branch $branch" node bin/classctl.js --log-level warn explain --branch "$branch"
echo "medians of $runs runs each; $(nproc) cores, $(node --version)"
