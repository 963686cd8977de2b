#!/usr/bin/env bash
# fuzz-speed.sh [BUILD_DIR] [SECONDS]: executions per second of every fuzz
# target on one core, fuzzing from a scratch copy of its seed corpus for
# SECONDS (default 30) each, one target at a time.
#   BUILD_DIR default build/fuzz-perf: a libFuzzer build WITHOUT sanitizers
#   (configured here if missing), the flavour the throughput goals are about.
#   Pass build/fuzz for the ASan+UBSan numbers of `make fuzz`.
# Two rates: runs per wall-clock second (libFuzzer's average_exec_per_sec) and
# runs per CPU second of the process (user+sys), which stays meaningful on a
# busy machine. Goals: memblock_ops >= 100k/s, memblock_ops_diff >= 50k/s,
# boot_pipeline >= 10k/s.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-$ROOT/build/fuzz-perf}; SECS=${2:-30}
if [[ ! -f "$B/build.ninja" ]]; then
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMBV_FUZZ=ON -DMBV_SANITIZE=OFF -DMBV_BUILD_TESTS=OFF -DMBV_BUILD_BENCH=OFF > /dev/null
fi
cmake --build "$B" -j "${JOBS:-$(nproc)}" --target fuzzers > /dev/null
declare -A SEEDS_FROM=([memblock_ops_diff]=memblock_ops)
declare -A GOAL=([memblock_ops]=100000 [memblock_ops_diff]=50000 [boot_pipeline]=10000)
printf '%-18s %10s %10s %10s %8s %8s  %s\n' target runs 'runs/s' 'runs/cpu-s' cpu-s corpus goal
while read -r name bin; do
  [[ -n "$name" ]] || continue
  seeds=${SEEDS_FROM[$name]:-$name}
  corpus=$(mktemp -d); [[ -d $ROOT/corpus/$seeds ]] && cp -r "$ROOT/corpus/$seeds/." "$corpus/"
  args=(-max_total_time="$SECS" -print_final_stats=1 -timeout=30)
  [[ -f $ROOT/corpus/$seeds.dict ]] && args+=(-dict="$ROOT/corpus/$seeds.dict")
  opt=$(find "$ROOT/fuzz" -name "$name.options" -print -quit)
  [[ -n "$opt" ]] && args+=($(sed -n 's/^ *\(max_len\) *= *\(.*\)$/-\1=\2/p' "$opt"))
  log=$(mktemp)
  TIMEFORMAT='%U %S'
  cpu=$({ time "$bin" "${args[@]}" "$corpus" > "$log" 2>&1; } 2>&1 | awk '{print $1 + $2}') || true
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  per_cpu=$(awk -v r="${runs:-0}" -v c="$cpu" 'BEGIN { printf "%d", (c > 0 ? r / c : 0) }')
  goal=${GOAL[$name]:-}
  verdict=""; [[ -n $goal ]] && verdict=$( ((per_cpu >= goal)) && echo "ok (>= $goal)" || echo "BELOW $goal")
  printf '%-18s %10s %10s %10s %8s %8s  %s\n' "$name" "${runs:-?}" "${rate:-?}" "$per_cpu" "$cpu" \
    "$(ls "$corpus" | wc -l)" "$verdict"
  rm -rf "$corpus" "$log"
done < "$B/fuzzers.txt"
