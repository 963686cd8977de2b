#!/usr/bin/env bash
# There is no Docker engine here, so this runs fuzz/oss-fuzz/build.sh with the
# OSS-Fuzz environment set to local values, once for libFuzzer+ASan and once
# for UBSan, then runs every binary in $OUT over its seed corpus.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${OSS_FUZZ_CHECK_DIR:-$ROOT/build/oss-fuzz}
declare -A FLAVOURS=(
  [address]="-fsanitize=address -fsanitize-address-use-after-scope"
  [undefined]="-fsanitize=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unsigned-integer-overflow,unreachable,vla-bound,vptr -fno-sanitize-recover=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr"
)
failed=0
for flavour in address undefined; do
  export SRC=$BASE/$flavour/src WORK=$BASE/$flavour/work OUT=$BASE/$flavour/out
  mkdir -p "$SRC" "$WORK" "$OUT"
  ln -sfn "$ROOT" "$SRC/memblock-verify"
  export CC=clang CXX=clang++
  export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=fuzzer-no-link ${FLAVOURS[$flavour]}"
  export CXXFLAGS="$CFLAGS"
  export LIB_FUZZING_ENGINE="-fsanitize=fuzzer"
  export SANITIZER=$flavour FUZZING_ENGINE=libfuzzer ARCHITECTURE=x86_64
  echo "== oss-fuzz-check: build.sh ($flavour)"
  bash "$ROOT/fuzz/oss-fuzz/build.sh"
  for bin in "$OUT"/*; do
    [[ -f "$bin" && -x "$bin" && "$bin" != *.so ]] || continue
    name=$(basename "$bin")
    corpus=$(mktemp -d)
    [[ -f "$OUT/${name}_seed_corpus.zip" ]] && unzip -q -o "$OUT/${name}_seed_corpus.zip" -d "$corpus"
    args=(-runs=0)
    [[ -f "$OUT/$name.dict" ]] && args+=(-dict="$OUT/$name.dict")
    if (cd "$OUT" && "./$name" "${args[@]}" "$corpus" > "$WORK/$name.log" 2>&1); then
      echo "ok   $flavour $name ($(find "$corpus" -type f | wc -l) seeds)"
    else
      echo "FAIL $flavour $name: see $WORK/$name.log"; tail -20 "$WORK/$name.log"; failed=1
    fi
    rm -rf "$corpus"
  done
done
exit $failed
