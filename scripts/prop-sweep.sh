#!/usr/bin/env bash
# Random exploration for the RapidCheck properties: ctest pins RapidCheck's
# seed (MBV_RC_PARAMS) so a commit has one verdict; this runs every test
# binary that links RapidCheck under many other seeds.
#
#   scripts/prop-sweep.sh BUILD_DIR [COUNT [FIRST_SEED]]
#
# COUNT defaults to 10, FIRST_SEED to a seed drawn from the clock (printed).
# A failing run (or one hung for 15 minutes) keeps its log in
# BUILD_DIR/prop-sweep/ and prints the seed, the binary, the failing tests
# and RapidCheck's reproduce string; the exit status is 1 when any run failed.
set -euo pipefail

build=${1:?usage: prop-sweep.sh BUILD_DIR [COUNT [FIRST_SEED]]}
count=${2:-10}
first=${3:-$(( $(date +%s) % 1000000000 ))}
[[ -d "$build/tests" ]] || { echo "prop-sweep: $build/tests: no such directory (build the tests first)" >&2; exit 2; }
[[ "$first" =~ ^[0-9]+$ && "$count" =~ ^[0-9]+$ ]] || { echo "prop-sweep: COUNT and FIRST_SEED must be numbers" >&2; exit 2; }

mapfile -t bins < <(find "$build/tests" -type f -perm -u+x -print0 | xargs -0 grep -l -a RC_PARAMS | sort)
(( ${#bins[@]} )) || { echo "prop-sweep: no RapidCheck test binaries under $build/tests" >&2; exit 2; }
out="$build/prop-sweep"
mkdir -p "$out"
echo "prop-sweep: ${#bins[@]} binaries, seeds $first..$(( first + count - 1 ))"

failed=0
start=$(date +%s)
for (( s = first; s < first + count; ++s )); do
  for b in "${bins[@]}"; do
    log="$out/seed-$s-$(basename "$b").log"
    # A hung property must not stall the sweep: 15 minutes per binary and seed.
    if RC_PARAMS="seed=$s" timeout 900 "$b" > "$log" 2>&1; then
      rm -f "$log"
      continue
    fi
    failed=$(( failed + 1 ))
    echo "FAIL seed=$s $(basename "$b") (log: $log)"
    grep -E '^\[  FAILED  \] [^ ]+ \([0-9]+ ms\)' "$log" | sed -E 's/^\[  FAILED  \] ([^ ]+).*/  \1/' || true
    grep -m1 -o 'RC_PARAMS="reproduce=[^"]*"' "$log" | sed 's/^/  /' || true
  done
done
echo "prop-sweep: $count seeds x ${#bins[@]} binaries in $(( $(date +%s) - start ))s, $failed failing runs"
(( failed == 0 ))
