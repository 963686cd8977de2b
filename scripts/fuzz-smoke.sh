#!/usr/bin/env bash
# fuzz-smoke.sh BUILD_DIR [SECONDS] [JOBS]: every fuzz target for a short
# bounded time on a scratch copy of its seed corpus, with the build's
# sanitizers (ASan+UBSan for `make fuzz-build`), JOBS targets at a time
# (default: the number of cores). A crash, leak, timeout or out-of-memory fails
# the run and names the reproducer file; rerun it with `BINARY FILE`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$1; SECS=${2:-20}; JOBS=${3:-$(nproc)}
LIST=$BUILD/fuzzers.txt
[[ -f "$LIST" ]] || { echo "fuzz-smoke: $LIST: missing (build the fuzz flavour first)"; exit 3; }
ART=$(cd "$BUILD" && pwd)/smoke-artifacts
rm -rf "$ART"; mkdir -p "$ART"
# Targets that read another target's input format take its seeds and dictionary.
declare -A SEEDS_FROM=([memblock_ops_diff]=memblock_ops)
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

# smoke NAME BIN: one target; writes $ART/NAME.result ("ok ..."/"FAIL ..."/"SKIP ...").
smoke() {
  local name=$1 bin=$2 seeds=${SEEDS_FROM[$1]:-$1} corpus rc
  corpus=$(mktemp -d)
  [[ -d "$ROOT/corpus/$seeds" ]] && cp -r "$ROOT/corpus/$seeds/." "$corpus/"
  # libFuzzer's default error exit code is 77, which memblock_ops_diff uses
  # for "no kernel oracle, skipped": findings exit 99/98 here instead.
  local args=(-max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$ART/$name-"
              -print_final_stats=1 -error_exitcode=99 -timeout_exitcode=98)
  [[ -f "$ROOT/corpus/$seeds.dict" ]] && args+=(-dict="$ROOT/corpus/$seeds.dict")
  # FUZZ_SEED makes the mutation sequence repeatable (CI sets it, so a red CI
  # run can be reproduced locally); unset, libFuzzer picks a random seed.
  [[ -n "${FUZZ_SEED:-}" ]] && args+=(-seed="$FUZZ_SEED")
  local opt; opt=$(find "$ROOT/fuzz" -name "$name.options" -print -quit)
  [[ -n "$opt" ]] && args+=($(sed -n 's/^ *\(max_len\|timeout\) *= *\(.*\)$/-\1=\2/p' "$opt"))
  rc=0; "$bin" "${args[@]}" "$corpus" > "$ART/$name.log" 2>&1 || rc=$?
  local execs rate
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$ART/$name.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$ART/$name.log")
  if ((rc == 0)); then
    echo "ok   $name: ${execs:-?} runs, ${rate:-?}/s, corpus $(ls "$corpus" | wc -l)" > "$ART/$name.result"
  elif ((rc == 77)); then
    echo "SKIP $name: $(grep -m1 skipped "$ART/$name.log")" > "$ART/$name.result"
  else
    { echo "FAIL $name (exit $rc): reproducer $(ls -t "$ART/$name-"* 2>/dev/null | head -1)"
      echo "     replay: $bin <reproducer>   log: $ART/$name.log"
      grep -m6 -E 'ERROR|SUMMARY|runtime error|violation|divergence|MB_CHECK' "$ART/$name.log" | sed 's/^/     /' ||
        tail -5 "$ART/$name.log"; } > "$ART/$name.result"
  fi
  rm -rf "$corpus"
}

t0=$SECONDS; running=0
while read -r name bin; do
  [[ -n "$name" ]] || continue
  smoke "$name" "$bin" &
  running=$((running + 1))
  if ((running >= JOBS)); then wait -n || true; running=$((running - 1)); fi
done < "$LIST"
wait || true
cat "$ART"/*.result
failed=$(cat "$ART"/*.result | grep -c '^FAIL' || true)
total=$(ls "$ART"/*.result | wc -l)
echo "fuzz-smoke: $((total - failed)) of $total passed (${SECS}s each, $JOBS at a time, $((SECONDS - t0))s)"
exit $(( failed > 0 ))
