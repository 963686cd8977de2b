#!/bin/bash -eu
# package.sh ROOT FUZZERS_TXT OUT: copies each fuzzer into OUT with its
# NAME_seed_corpus.zip (corpus/NAME/), NAME.dict (corpus/NAME.dict) and
# NAME.options (fuzz/**/NAME.options), as OSS-Fuzz expects.
ROOT=$1; LIST=$2; OUT=$3
mkdir -p "$OUT"
while read -r name bin; do
  [[ -n "$name" ]] || continue
  cp "$bin" "$OUT/$name"
  if [[ -d "$ROOT/corpus/$name" ]]; then
    rm -f "$OUT/${name}_seed_corpus.zip"
    (cd "$ROOT/corpus/$name" && zip -q -r "$OUT/${name}_seed_corpus.zip" .)
  fi
  [[ -f "$ROOT/corpus/$name.dict" ]] && cp "$ROOT/corpus/$name.dict" "$OUT/$name.dict"
  opt=$(find "$ROOT/fuzz" -name "$name.options" -print -quit)
  [[ -n "$opt" ]] && cp "$opt" "$OUT/$name.options"
  # Shared objects a target loads at run time (the kernel oracle) travel with it.
  for so in "$(dirname "$bin")"/*.so; do [[ -f "$so" ]] && cp "$so" "$OUT/"; done
done < "$LIST"
echo "packaged $(wc -l < "$LIST") fuzzers into $OUT"
