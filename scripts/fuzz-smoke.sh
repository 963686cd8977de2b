#!/usr/bin/env bash
# fuzz-smoke.sh BUILD_DIR [SECONDS]: every fuzz target for a short bounded time
# on a scratch copy of its seed corpus (ASan+UBSan). A crash fails and names
# the reproducer file.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$1; SECS=${2:-15}
LIST=$BUILD/fuzzers.txt
[[ -f "$LIST" ]] || { echo "fuzz-smoke: $LIST: missing (build the fuzz flavour first)"; exit 3; }
ART=$BUILD/smoke-artifacts; mkdir -p "$ART"
failed=0; n=0
while read -r name bin; do
  [[ -n "$name" ]] || continue
  n=$((n + 1))
  corpus=$(mktemp -d); [[ -d "$ROOT/corpus/$name" ]] && cp -r "$ROOT/corpus/$name/." "$corpus/"
  args=(-max_total_time="$SECS" -timeout=10 -rss_limit_mb=4096 -artifact_prefix="$ART/$name-" -print_final_stats=1)
  [[ -f "$ROOT/corpus/$name.dict" ]] && args+=(-dict="$ROOT/corpus/$name.dict")
  if "$bin" "${args[@]}" "$corpus" > "$ART/$name.log" 2>&1; then
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$ART/$name.log" | grep -o '[0-9]*$' || echo '?')
    echo "ok   $name: $execs executions in ${SECS}s"
  else
    echo "FAIL $name: reproducer $(ls -t "$ART/$name-"* 2>/dev/null | head -1)"
    grep -m5 -E 'ERROR|SUMMARY|violation|divergence' "$ART/$name.log" || tail -5 "$ART/$name.log"
    failed=$((failed + 1))
  fi
  rm -rf "$corpus"
done < "$LIST"
echo "fuzz-smoke: $((n - failed)) passed, $failed failed"
exit $(( failed > 0 ))
