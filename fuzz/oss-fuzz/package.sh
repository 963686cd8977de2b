#!/bin/bash -eu
# package.sh ROOT FUZZERS_TXT OUT: copies each fuzzer into OUT with its
# NAME_seed_corpus.zip, NAME.dict and NAME.options (fuzz/**/NAME.options), as
# OSS-Fuzz expects. Seeds and dictionary come from corpus/NAME(.dict), or for a
# target that reads another target's input format (memblock_ops_diff reads
# memblock_ops traces) from that target's.
# Without a kernel oracle (no kernel tree at build time) memblock_ops_diff is
# left out with one line saying why: packaged, it would only exit 77 at start.
ROOT=$1; LIST=$2; OUT=$3
BUILD=$(cd "$(dirname "$LIST")" && pwd)
declare -A SEEDS_FROM=([memblock_ops_diff]=memblock_ops)
ORACLE=$BUILD/oracle-kernel/libmbv_oracle.so
mkdir -p "$OUT"
packaged=0
while read -r name bin; do
  [[ -n "$name" ]] || continue
  if [[ $name == memblock_ops_diff && ! -f $ORACLE ]]; then
    why=$(tail -n 1 "$BUILD/oracle-kernel/status.txt" 2>/dev/null || true)
    echo "package.sh: memblock_ops_diff skipped: no kernel oracle (${why:-$ORACLE missing});" \
         "install Debian's linux-source-6.1 or set KERNEL_SRC to a 6.1 tree" >&2
    rm -f "$OUT/$name" "$OUT/${name}_seed_corpus.zip" "$OUT/$name.dict" "$OUT/$name.options"
    continue
  fi
  cp "$bin" "$OUT/$name"
  seeds=${SEEDS_FROM[$name]:-$name}
  rm -f "$OUT/${name}_seed_corpus.zip"
  if [[ -d "$ROOT/corpus/$seeds" ]]; then
    (cd "$ROOT/corpus/$seeds" && zip -q -r "$OUT/${name}_seed_corpus.zip" .)
  fi
  if [[ -f "$ROOT/corpus/$seeds.dict" ]]; then cp "$ROOT/corpus/$seeds.dict" "$OUT/$name.dict"; fi
  opt=$(find "$ROOT/fuzz" -name "$name.options" -print -quit)
  if [[ -n "$opt" ]]; then cp "$opt" "$OUT/$name.options"; fi
  packaged=$((packaged + 1))
done < "$LIST"
# The kernel oracle (mm/memblock.c as a shared object) that memblock_ops_diff
# dlopens: at run time only $OUT exists, and the target looks for it beside
# its own binary when the build tree's copy is gone.
if [[ -f $ORACLE ]]; then
  cp "$ORACLE" "$OUT/"
else
  rm -f "$OUT/libmbv_oracle.so"
fi
echo "packaged $packaged of $(wc -l < "$LIST") fuzzers into $OUT"
