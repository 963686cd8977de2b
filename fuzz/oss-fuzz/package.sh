#!/bin/bash -eu
# package.sh ROOT FUZZERS_TXT OUT: copies each fuzzer into OUT with its
# NAME_seed_corpus.zip, NAME.dict and NAME.options (fuzz/**/NAME.options), as
# OSS-Fuzz expects. Seeds and dictionary come from corpus/NAME(.dict), or for a
# target that reads another target's input format (memblock_ops_diff reads
# memblock_ops traces) from that target's.
ROOT=$1; LIST=$2; OUT=$3
BUILD=$(cd "$(dirname "$LIST")" && pwd)
declare -A SEEDS_FROM=([memblock_ops_diff]=memblock_ops)
mkdir -p "$OUT"
while read -r name bin; do
  [[ -n "$name" ]] || continue
  cp "$bin" "$OUT/$name"
  seeds=${SEEDS_FROM[$name]:-$name}
  rm -f "$OUT/${name}_seed_corpus.zip"
  if [[ -d "$ROOT/corpus/$seeds" ]]; then
    (cd "$ROOT/corpus/$seeds" && zip -q -r "$OUT/${name}_seed_corpus.zip" .)
  fi
  if [[ -f "$ROOT/corpus/$seeds.dict" ]]; then cp "$ROOT/corpus/$seeds.dict" "$OUT/$name.dict"; fi
  opt=$(find "$ROOT/fuzz" -name "$name.options" -print -quit)
  if [[ -n "$opt" ]]; then cp "$opt" "$OUT/$name.options"; fi
done < "$LIST"
# The kernel oracle (mm/memblock.c as a shared object) that memblock_ops_diff
# dlopens: at run time only $OUT exists, and the target looks for it beside
# its own binary when the build tree's copy is gone.
if [[ -f "$BUILD/oracle-kernel/libmbv_oracle.so" ]]; then
  cp "$BUILD/oracle-kernel/libmbv_oracle.so" "$OUT/"
elif grep -q '^memblock_ops_diff ' "$LIST"; then
  echo "package.sh: $BUILD/oracle-kernel/libmbv_oracle.so missing; memblock_ops_diff cannot run" >&2
  exit 1
fi
echo "packaged $(wc -l < "$LIST") fuzzers into $OUT"
