#!/usr/bin/env bash
# fuzz-speed.sh [BUILD_DIR] [SECONDS] [SAN_BUILD_DIR]: executions per second
# of the fuzz targets on one core, fuzzing from a scratch copy of each seed
# corpus for SECONDS (default 30) each, one target at a time.
#   BUILD_DIR default build/fuzz-perf: a libFuzzer build WITHOUT sanitizers
#     (configured here if missing), the headline flavour of the goals.
#   SAN_BUILD_DIR default build/fuzz: the ASan+UBSan libFuzzer build of
#     `make fuzz`; its figure for the goal targets is printed beside the
#     headline one when it holds them (SAN_BUILD_DIR=none skips it).
#   ONLY="a b" limits the run to those targets (the floors follow the
#     target they are the floor of).
#   NO_BUILD=1 measures what BUILD_DIR holds without building.
# A run that stops on a finding is named on stderr and its input kept in
# build/fuzz-speed-findings/ (its rate covers only the time before it).
# Two tables: every target of BUILD_DIR (runs, runs per wall second as
# libFuzzer reports it, runs per CPU second of the process, user+sys, which
# stays meaningful on a busy machine), then the goals with the ratio of the
# runs per CPU second to each goal.
# A third table, Floors, when BUILD_DIR holds the floor harnesses
# (bench/fuzz/floor_harness.cpp, target fuzz-floors, built here unless
# NO_BUILD; they need MBV_BUILD_BENCH=ON, which a build dir configured here
# has and which is switched on, with a note, in one that lacks it): what
# memblock_ops costs when it only decodes, or only decodes and runs the model,
# and what memblock_ops_diff costs running model and kernel with no spec, each
# measured exactly like its target (same seeds, dict and .options), beside the
# target's full figure from the first table and the ratio of each to the goal.
# A goal above a floor cannot be reached by a cheaper check. Every stage
# includes the decoding; model-only adds the model (no spec), model+kernel the
# model and the kernel oracle side by side (no spec).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-$ROOT/build/fuzz-perf}; SECS=${2:-30}; SAN=${3:-${SAN_BUILD_DIR:-$ROOT/build/fuzz}}
if [[ ! -f "$B/build.ninja" ]]; then
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DMBV_FUZZ=ON -DMBV_SANITIZE=OFF -DMBV_BUILD_TESTS=OFF -DMBV_BUILD_BENCH=ON > /dev/null
fi
if [[ -z "${NO_BUILD:-}" ]]; then
  cmake --build "$B" -j "${JOBS:-$(nproc)}" --target fuzzers > /dev/null
  if ! grep -q '^build fuzz-floors:' "$B/build.ninja" 2>/dev/null &&
     grep -q '^MBV_BUILD_BENCH:BOOL=OFF' "$B/CMakeCache.txt" 2>/dev/null; then
    echo "fuzz-speed.sh: switching MBV_BUILD_BENCH on in $B for the floor harnesses" >&2
    cmake -B "$B" -DMBV_BUILD_BENCH=ON > /dev/null
  fi
  if grep -q '^build fuzz-floors:' "$B/build.ninja" 2>/dev/null; then
    cmake --build "$B" -j "${JOBS:-$(nproc)}" --target fuzz-floors > /dev/null
  fi
fi
declare -A SEEDS_FROM=([memblock_ops_diff]=memblock_ops)
declare -A GOAL=([memblock_ops]=100000 [memblock_ops_diff]=50000 [boot_pipeline]=10000)
GOALS=(memblock_ops memblock_ops_diff boot_pipeline)

# The binary of target $2 in build dir $1 (fuzzers.txt, else the usual paths).
binary() {
  local b=$1 name=$2 f
  if [[ -f "$b/fuzzers.txt" ]]; then
    f=$(awk -v n="$name" '$1 == n { print $2 }' "$b/fuzzers.txt")
    [[ -x "$f" ]] && { echo "$f"; return; }
  fi
  for f in "$b/fuzz/$name/$name" "$b/fuzz_$name/$name"; do [[ -x "$f" ]] && { echo "$f"; return; }; done
  return 0
}

# Fuzzes with binary $2 as target $1; prints "runs wall_rate per_cpu cpu corpus_size".
measure() {
  local name=$1 bin=$2 seeds corpus opt log cpu runs rate per_cpu
  seeds=${SEEDS_FROM[$name]:-$name}
  corpus=$(mktemp -d)
  for d in "$ROOT/corpus/$seeds" "$ROOT/corpus/$name"; do [[ -d $d ]] && cp -r "$d/." "$corpus/"; done
  local args=(-max_total_time="$SECS" -print_final_stats=1 -timeout=30)
  [[ -f $ROOT/corpus/$seeds.dict ]] && args+=(-dict="$ROOT/corpus/$seeds.dict")
  opt=$(find "$ROOT/fuzz" -name "$name.options" -print -quit)
  # Every option of the target's .options file, as make fuzz and OSS-Fuzz pass them.
  [[ -n "$opt" ]] && args+=($(sed -n 's/^ *\([a-z_]*\) *= *\(.*\)$/-\1=\2/p' "$opt"))
  log=$(mktemp)
  # A run that stops on a finding measured only the seconds before it: say
  # so, and keep the input (it is a finding), instead of a quietly low rate.
  local art found
  art=$(mktemp -d)
  args+=(-artifact_prefix="$art/")
  TIMEFORMAT='%U %S'
  cpu=$({ time "$bin" "${args[@]}" "$corpus" > "$log" 2>&1; } 2>&1 | awk '{print $1 + $2}') || true
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  per_cpu=$(awk -v r="${runs:-0}" -v c="$cpu" 'BEGIN { printf "%d", (c > 0 ? r / c : 0) }')
  for found in "$art"/*; do
    [[ -e $found ]] || continue
    mkdir -p "$ROOT/build/fuzz-speed-findings"
    mv "$found" "$ROOT/build/fuzz-speed-findings/$name-$(basename "$found")"
    echo "fuzz-speed.sh: $name ($bin) stopped on a finding after $cpu CPU s; its rate covers" \
         "only that time. Input: build/fuzz-speed-findings/$name-$(basename "$found")" >&2
  done
  echo "${runs:-?} ${rate:-?} $per_cpu $cpu $(ls "$corpus" | wc -l)"
  rm -rf "$corpus" "$log" "$art"
}

wanted() { [[ -z "${ONLY:-}" ]] || [[ " $ONLY " == *" $1 "* ]]; }

declare -A HEAD
printf '%-18s %10s %10s %10s %8s %8s\n' target runs 'runs/s' 'runs/cpu-s' cpu-s corpus
while read -r name bin; do
  [[ -n "$name" ]] && wanted "$name" || continue
  read -r runs rate per_cpu cpu size < <(measure "$name" "$bin")
  HEAD[$name]=$per_cpu
  printf '%-18s %10s %10s %10s %8s %8s\n' "$name" "$runs" "$rate" "$per_cpu" "$cpu" "$size"
done < <(for n in $(awk '{print $1}' "$B/fuzzers.txt" 2>/dev/null || echo "${GOALS[@]}"); do
           echo "$n $(binary "$B" "$n")"; done)

echo
echo "Goals: runs per CPU second on one core ($B headline; ASan+UBSan: $SAN)"
printf '%-18s %8s %12s %7s %12s %7s\n' target goal unsanitized ratio 'asan+ubsan' ratio
for name in "${GOALS[@]}"; do
  wanted "$name" || continue
  goal=${GOAL[$name]}; head=${HEAD[$name]:-}
  san="-"
  if [[ "$SAN" != none ]] && sbin=$(binary "$SAN" "$name") && [[ -n "$sbin" ]]; then
    read -r _ _ san _ _ < <(measure "$name" "$sbin")
  fi
  ratio() { [[ "$1" =~ ^[0-9]+$ ]] && awk -v r="$1" -v g="$goal" 'BEGIN { printf "%.3f", r / g }' || echo "-"; }
  printf '%-18s %8s %12s %7s %12s %7s\n' "$name" "$goal" "${head:--}" "$(ratio "${head:-}")" "$san" "$(ratio "$san")"
done

# Floors: name of the floor binary (bench/fuzz), target it is the floor of, stage.
FLOORS=("floor_decode memblock_ops decode-only"
        "floor_model memblock_ops model-only"
        "floor_diff_model_kernel memblock_ops_diff model+kernel")
have_floors=
for f in "${FLOORS[@]}"; do
  read -r fbin target _ <<< "$f"
  [[ -x "$B/bench/fuzz/$fbin" ]] && wanted "$target" && have_floors=1
done
if [[ -n "$have_floors" ]]; then
  echo
  echo "Floors: runs per CPU second on one core of what no checking change removes ($B;"
  echo "bench/fuzz/floor_harness.cpp), each run like its target; full = the target itself, from above"
  printf '%-18s %-13s %10s %10s %10s %8s %8s %7s\n' target stage runs 'runs/s' 'runs/cpu-s' cpu-s goal ratio
  fratio() { [[ "$1" =~ ^[0-9]+$ && "$1" != 0 ]] && awk -v r="$1" -v g="$2" 'BEGIN { printf "%.3f", r / g }' || echo "-"; }
  for target in memblock_ops memblock_ops_diff; do
    wanted "$target" || continue
    goal=${GOAL[$target]}
    for f in "${FLOORS[@]}"; do
      read -r fbin ftarget stage <<< "$f"
      [[ "$ftarget" == "$target" && -x "$B/bench/fuzz/$fbin" ]] || continue
      read -r runs rate per_cpu cpu _ < <(measure "$target" "$B/bench/fuzz/$fbin")
      printf '%-18s %-13s %10s %10s %10s %8s %8s %7s\n' "$target" "$stage" "$runs" "$rate" \
        "$per_cpu" "$cpu" "$goal" "$(fratio "$per_cpu" "$goal")"
    done
    head=${HEAD[$target]:-}
    printf '%-18s %-13s %10s %10s %10s %8s %8s %7s\n' "$target" full - - "${head:--}" - "$goal" \
      "$(fratio "${head:-}" "$goal")"
  done
fi
