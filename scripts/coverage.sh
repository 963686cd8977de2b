#!/usr/bin/env bash
# coverage.sh [BUILD_DIR]: clang source-based coverage of the test suite.
# Builds an uninstrumented-by-sanitizers flavour with -fprofile-instr-generate
# -fcoverage-mapping in BUILD_DIR (default build/coverage), runs ctest (which
# includes the fuzz-replay.* tests: every seed corpus through its target),
# then replays extra corpora if COVERAGE_CORPUS names a folder of <target>/
# subfolders (e.g. a campaign's build/fuzz/campaign). Prints line and branch
# coverage per folder of impl/ and model/ and writes an HTML report.
# Environment: JOBS (build/ctest parallelism, default nproc), CTEST_ARGS
# (e.g. "-E prove" to leave slow tests out), COVERAGE_TARGETS (default all),
# LLVM_PROFDATA / LLVM_COV (default: llvm-profdata(-14) / llvm-cov(-14)).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$(mkdir -p "${1:-$ROOT/build/coverage}" && cd "${1:-$ROOT/build/coverage}" && pwd)
JOBS=${JOBS:-$(nproc)}
pick() { for t in "$@"; do command -v "$t" >/dev/null && { echo "$t"; return; }; done
         echo "coverage: none of $* found (install llvm)" >&2; exit 3; }
PROFDATA=${LLVM_PROFDATA:-$(pick llvm-profdata-14 llvm-profdata)}
COV=${LLVM_COV:-$(pick llvm-cov-14 llvm-cov)}
FLAGS="-O1 -g -fprofile-instr-generate -fcoverage-mapping"

if [[ ! -f "$B/build.ninja" ]]; then
  cmake -S "$ROOT" -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=Coverage \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_C_FLAGS="$FLAGS" -DCMAKE_CXX_FLAGS="$FLAGS" \
    -DCMAKE_EXE_LINKER_FLAGS="-fprofile-instr-generate" \
    -DMBV_SANITIZE=OFF -DMBV_FUZZ=OFF -DMBV_BUILD_TESTS=ON -DMBV_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$B" -j "$JOBS" --target ${COVERAGE_TARGETS:-all}

P=$B/profiles; rm -rf "$P"; mkdir -p "$P"
# %m: one file per binary, merged across its processes; %p keeps parallel runs apart.
export LLVM_PROFILE_FILE=$P/%p-%m.profraw
(cd "$B" && ctest -j "$JOBS" --output-on-failure ${CTEST_ARGS:-}) || echo "coverage: some tests failed (coverage still reported)"
if [[ -n "${COVERAGE_CORPUS:-}" && -f "$B/fuzzers.txt" ]]; then
  while read -r name bin; do
    [[ -d "$COVERAGE_CORPUS/$name" ]] && "$bin" "$COVERAGE_CORPUS/$name" > /dev/null 2>&1 || true
  done < "$B/fuzzers.txt"
fi
"$PROFDATA" merge -sparse -o "$B/coverage.profdata" "$P"/*.profraw

# Every instrumented executable of the build (tests, replay targets, tools).
objs=()
while IFS= read -r f; do
  [[ ${#objs[@]} -eq 0 ]] && objs+=("$f") || objs+=(-object "$f")
done < <(find "$B" -type f -perm -u+x ! -name '*.so' ! -path '*/CMakeFiles/*' ! -path '*/oracle-kernel/*' \
           -exec sh -c 'head -c4 "$1" | grep -q ELF && readelf -S "$1" 2>/dev/null | grep -q __llvm_covmap && echo "$1"' _ {} \;)
args=(-instr-profile="$B/coverage.profdata" "${objs[@]}")
"$COV" show "${args[@]}" -format=html -show-branches=count -output-dir="$B/html" \
  "$ROOT/impl" "$ROOT/model" > /dev/null
"$COV" export "${args[@]}" -summary-only -format=text "$ROOT/impl" "$ROOT/model" > "$B/summary.json"
python3 - "$B/summary.json" "$ROOT" <<'PY'
import json, sys, collections
data = json.load(open(sys.argv[1]))["data"][0]["files"]
root = sys.argv[2].rstrip("/") + "/"
agg = collections.OrderedDict()
def add(key, s):
    a = agg.setdefault(key, [0, 0, 0, 0])
    a[0] += s["lines"]["covered"]; a[1] += s["lines"]["count"]
    a[2] += s["branches"]["covered"]; a[3] += s["branches"]["count"]
for f in sorted(data, key=lambda f: f["filename"]):
    rel = f["filename"][len(root):] if f["filename"].startswith(root) else f["filename"]
    parts = rel.split("/")
    if parts[0] not in ("impl", "model") or len(parts) < 3: continue
    add("/".join(parts[:2]), f["summary"])
for k in list(agg):
    for i, v in enumerate(agg[k]): agg.setdefault("total", [0, 0, 0, 0])[i] += v
pct = lambda c, n: f"{100.0 * c / n:6.1f}%" if n else "     -"
print(f"{'folder':<22}{'lines':>16}{'line %':>9}{'branches':>16}{'branch %':>10}")
for k, (lc, ln, bc, bn) in agg.items():
    print(f"{k:<22}{f'{lc}/{ln}':>16}{pct(lc, ln):>9}{f'{bc}/{bn}':>16}{pct(bc, bn):>10}")
PY
echo "coverage: HTML report $B/html/index.html"
