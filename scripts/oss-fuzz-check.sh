#!/usr/bin/env bash
# oss-fuzz-check.sh: there is no Docker engine here, so this runs
# fuzz/oss-fuzz/build.sh with the OSS-Fuzz environment set to local values,
# once for libFuzzer+ASan and once for UBSan (the flags OSS-Fuzz's base-builder
# uses), then runs every binary in $OUT over its seed corpus the way the
# runner does: only $OUT is visible (the build tree's kernel oracle is moved
# aside), options from NAME.options, dictionary NAME.dict.
# Before the first flavour it also builds without a kernel tree (KERNEL_SRC
# pointing nowhere): build.sh must still succeed, package every target but
# memblock_ops_diff and say why that one is skipped.
# Environment: OSS_FUZZ_CHECK_DIR (default build/oss-fuzz), MBV_BUILD_JOBS,
# OSS_FUZZ_SANITIZERS (default "address undefined"), OSS_FUZZ_CHECK_NO_KERNEL
# (default 1; 0 leaves out the build without a kernel tree).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${OSS_FUZZ_CHECK_DIR:-$ROOT/build/oss-fuzz}
UBSAN_LIST=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr
declare -A FLAVOURS=(
  [address]="-fsanitize=address -fsanitize-address-use-after-scope"
  [undefined]="-fsanitize=$UBSAN_LIST,unsigned-integer-overflow -fno-sanitize-recover=$UBSAN_LIST"
)
# As ClusterFuzz runs them: unsigned wrap-around is reported only when asked.
export ASAN_OPTIONS=${ASAN_OPTIONS:-alloc_dealloc_mismatch=0:allocator_may_return_null=1:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:silence_unsigned_overflow=1}
failed=0
no_kernel_done=${OSS_FUZZ_CHECK_NO_KERNEL:-1}
[[ $no_kernel_done == 1 ]] && no_kernel_done=0 || no_kernel_done=1
for flavour in ${OSS_FUZZ_SANITIZERS:-address undefined}; do
  export SRC=$BASE/$flavour/src WORK=$BASE/$flavour/work OUT=$BASE/$flavour/out
  mkdir -p "$SRC" "$WORK" "$OUT"
  ln -sfn "$ROOT" "$SRC/memblock-verify"
  export CC=clang CXX=clang++
  export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=fuzzer-no-link ${FLAVOURS[$flavour]}"
  export CXXFLAGS="$CFLAGS"
  export LIB_FUZZING_ENGINE="-fsanitize=fuzzer"
  export SANITIZER=$flavour FUZZING_ENGINE=libfuzzer ARCHITECTURE=x86_64
  if [[ $no_kernel_done == 0 ]]; then
    # Same build tree (only the oracle's few files change), its own $OUT.
    no_kernel_done=1
    echo "== oss-fuzz-check: build.sh ($flavour) without a kernel tree"
    t0=$SECONDS
    nk_out=$BASE/$flavour/out-no-kernel
    rm -rf "$nk_out"
    if ! OUT=$nk_out KERNEL_SRC=$BASE/no-kernel-tree bash "$ROOT/fuzz/oss-fuzz/build.sh" \
        > "$WORK/build-no-kernel.log" 2>&1; then
      echo "FAIL $flavour build.sh without a kernel tree: see $WORK/build-no-kernel.log"
      tail -20 "$WORK/build-no-kernel.log"; failed=1
    else
      want=$(grep -cv '^memblock_ops_diff ' "$WORK/mbv-build/fuzzers.txt")
      got=$(find "$nk_out" -maxdepth 1 -type f -executable ! -name '*.so' | wc -l)
      msg=$(grep -m1 'memblock_ops_diff skipped' "$WORK/build-no-kernel.log" || true)
      if [[ $got == "$want" && ! -e $nk_out/memblock_ops_diff && -n $msg ]]; then
        echo "ok   no kernel tree: $got targets packaged in $((SECONDS - t0)) s; $msg"
      else
        echo "FAIL no kernel tree: $got of $want targets packaged, memblock_ops_diff" \
             "$( [[ -e $nk_out/memblock_ops_diff ]] && echo present || echo absent)," \
             "message: ${msg:-none}"; failed=1
      fi
    fi
    # That configure removed the oracle; make the next build rebuild it.
    rm -f "$WORK/mbv-build/oracle-kernel/oracle.stamp"
  fi
  echo "== oss-fuzz-check: build.sh ($flavour)"
  t0=$SECONDS
  if ! bash "$ROOT/fuzz/oss-fuzz/build.sh" > "$WORK/build.log" 2>&1; then
    echo "FAIL $flavour build.sh: see $WORK/build.log"; tail -20 "$WORK/build.log"; failed=1; continue
  fi
  echo "   built in $((SECONDS - t0)) s"
  # The runner has $OUT only: hide the build tree's oracle while the targets run.
  oracle=$WORK/mbv-build/oracle-kernel
  [[ -d "$oracle" ]] && mv "$oracle" "$oracle.hidden"
  for bin in "$OUT"/*; do
    [[ -f "$bin" && -x "$bin" && "$bin" != *.so ]] || continue
    name=$(basename "$bin")
    corpus=$(mktemp -d)
    [[ -f "$OUT/${name}_seed_corpus.zip" ]] && unzip -q -o "$OUT/${name}_seed_corpus.zip" -d "$corpus"
    args=(-runs=0)
    [[ -f "$OUT/$name.dict" ]] && args+=(-dict="$OUT/$name.dict")
    [[ -f "$OUT/$name.options" ]] &&
      args+=($(sed -n 's/^ *\([a-z_]*\) *= *\(.*\)$/-\1=\2/p' "$OUT/$name.options"))
    # An absolute path, as the runner uses (the oracle is found beside it).
    if (cd "$WORK" && "$OUT/$name" "${args[@]}" "$corpus" > "$WORK/$name.log" 2>&1); then
      echo "ok   $flavour $name ($(find "$corpus" -type f | wc -l) seeds)"
    else
      echo "FAIL $flavour $name: see $WORK/$name.log"; tail -20 "$WORK/$name.log"; failed=1
    fi
    rm -rf "$corpus"
  done
  [[ -d "$oracle.hidden" ]] && mv "$oracle.hidden" "$oracle"
done
exit $failed
