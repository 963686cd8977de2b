#!/usr/bin/env bash
# make-corpus.sh [BUILD_DIR]: regenerates the seed corpora whose owners ship a
# generator, then minimises every corpus with libFuzzer's -merge=1, into
# BUILD_DIR/corpus-new/<target>/ (default BUILD_DIR: build/fuzz, the
# `make fuzz-build` flavour). Generators (each writes our own encodings, no
# captured data):
#   fuzz/memblock_ops/make_seeds.py           -> memblock_ops
#   make_parser_seeds (fuzz/dmesg_parse)      -> e820_sanitize cmdline_parse dmesg_parse
#   srat_parse_seeds (fuzz/srat_parse)        -> srat_parse
# The other targets' seeds are hand-written and only minimised.
# Nothing in corpus/ changes unless CORPUS_WRITE=1, and then only for a target
# whose merged corpus reaches more coverage features than the committed one
# (a merge renames seeds to their SHA-1, so a mere file saving is not worth
# losing the owners' readable names). The table also says how many generated
# seeds are byte-identical to committed ones (the generators are deterministic).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$(mkdir -p "${1:-$ROOT/build/fuzz}" && cd "${1:-$ROOT/build/fuzz}" && pwd)
LIST=$B/fuzzers.txt
[[ -f "$LIST" ]] || { echo "make-corpus: $LIST missing (run make fuzz-build)"; exit 3; }
cmake --build "$B" -j "${JOBS:-$(nproc)}" --target fuzzers make_parser_seeds srat_parse_seeds > /dev/null
GEN=$B/corpus-gen; NEW=$B/corpus-new
rm -rf "$GEN" "$NEW"; mkdir -p "$GEN" "$NEW"

# 1. Generated seeds (deterministic: same writers, same bytes).
(cd "$GEN" && python3 "$ROOT/fuzz/memblock_ops/make_seeds.py")      # -> corpus/memblock_ops
"$B/fuzz/dmesg_parse/make_parser_seeds" "$GEN/corpus" > /dev/null
mkdir -p "$GEN/corpus/srat_parse" && "$B/fuzz/srat_parse/srat_parse_seeds" "$GEN/corpus/srat_parse" > /dev/null

# 2. Merge committed + generated seeds into a minimal corpus per target.
features() { sed -n 's/.*MERGE-OUTER: [0-9]* new files with \([0-9]*\) new features.*/\1/p' "$1" | tail -1; }
printf '%-18s %14s %16s %14s  %s\n' target committed 'generated(same)' merged action
while read -r name bin; do
  [[ -n "$name" ]] || continue
  [[ $name == memblock_ops_diff ]] && continue  # reads corpus/memblock_ops
  old=$ROOT/corpus/$name gen=$GEN/corpus/$name out=$NEW/$name
  mkdir -p "$out"
  srcs=(); [[ -d $old ]] && srcs+=("$old"); [[ -d $gen ]] && srcs+=("$gen")
  ((${#srcs[@]})) || continue
  opt=$(find "$ROOT/fuzz" -name "$name.options" -print -quit)
  args=(-merge=1 -timeout=30 -rss_limit_mb=4096)
  [[ -n "$opt" ]] && args+=($(sed -n 's/^ *\(max_len\) *= *\(.*\)$/-\1=\2/p' "$opt"))
  # Committed seeds alone first: the features they already reach.
  base=$(mktemp -d)
  if [[ -d $old ]]; then "$bin" "${args[@]}" "$base" "$old" > "$B/merge-$name-old.log" 2>&1 || true; fi
  f_old=$(features "$B/merge-$name-old.log" 2>/dev/null || true); rm -rf "$base"
  "$bin" "${args[@]}" "$out" "${srcs[@]}" > "$B/merge-$name.log" 2>&1 ||
    { echo "make-corpus: merge failed for $name (see $B/merge-$name.log)"; exit 1; }
  f_new=$(features "$B/merge-$name.log")
  n_old=$( [[ -d $old ]] && find "$old" -type f | wc -l || echo 0)
  n_gen=$( [[ -d $gen ]] && find "$gen" -type f | wc -l || echo 0)
  n_new=$(find "$out" -type f | wc -l)
  action=kept
  same=0
  if [[ -d $gen && -d $old ]]; then
    same=$(comm -12 <(cd "$old" && find . -type f -exec sha1sum {} + | cut -d' ' -f1 | sort -u) \
                    <(cd "$gen" && find . -type f -exec sha1sum {} + | cut -d' ' -f1 | sort -u) | wc -l)
  fi
  if [[ ${CORPUS_WRITE:-0} == 1 ]] && ((${f_new:-0} > ${f_old:-0})); then
    rm -rf "$old" && mkdir -p "$old" && cp "$out"/* "$old"/ && action=written
  fi
  printf '%-18s %8s (%4s) %10s (%3s) %8s (%4s)  %s\n' "$name" "$n_old" "${f_old:-?}" "$n_gen" "$same" "$n_new" "${f_new:-?}" "$action"
done < "$LIST"
echo "(files (features)); merged corpora in $NEW; CORPUS_WRITE=1 writes the clearly better ones to corpus/"
