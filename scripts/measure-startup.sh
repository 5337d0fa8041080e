#!/usr/bin/env bash
# Start-up time of the CLI against a bare `node -e 0` on the same machine:
# the median wall time of `classctl --help`, `classctl validate` and
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

# Median wall time in milliseconds of running "$@" $runs times (output discarded).
median_ms() {
  local times=() start end
  for _ in $(seq 1 "$runs"); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}

# Whether bin/classctl.js would run dist/ (not the sources through tsx): it says so with --which-entry.
entry=$(CLASSCTL_WHICH_ENTRY=1 node bin/classctl.js 2>/dev/null || true)
echo "entry: ${entry:-unknown} (run \`npm run build\` first if it is not dist)"
branch=$(sed -nE 's/^[[:space:]]*branch:[[:space:]]*"?([A-Za-z0-9._-]+)"?.*/\1/p' config/*.yaml 2>/dev/null | head -n 1)
branch=${branch:-downtown}

base=$(median_ms node -e 0)
printf '%-34s %6s ms\n' 'node -e 0' "$base"
report() {
  local name=$1; shift
  local ms
  ms=$(median_ms "$@")
  printf '%-34s %6s ms  %5s x node\n' "$name" "$ms" "$(awk -v a="$ms" -v b="$base" 'BEGIN { printf "%.1f", a / b }')"
}
report 'classctl --help' node bin/classctl.js --help
report 'classctl validate' node bin/classctl.js --log-level warn validate
report "classctl explain --branch $branch" node bin/classctl.js --log-level warn explain --branch "$branch"
echo "medians of $runs runs each; $(nproc) cores, $(node --version)"
