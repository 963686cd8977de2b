#!/bin/sh
# build-oracle.sh KERNEL_TREE_OR_TARBALL OUTDIR
#
# Compiles the real mm/memblock.c of one kernel tree, the user-space shims of
# that tree's tools/testing/memblock and our trace runner
# (runner/oracle_runner.c) into OUTDIR/libmbv_oracle.so, which mbverify loads
# with dlopen. The layout mirrors what tools/testing/memblock/Makefile does
# (it symlinks mm/memblock.c and a few headers into the simulator folder), but
# in a staging folder under OUTDIR so the kernel tree is never written to.
#
# KERNEL_TREE_OR_TARBALL is a kernel source folder or a linux-source tarball
# (.tar.xz/.tar.gz/.tar.bz2/.tar); from a tarball only the needed paths are
# extracted. A rebuild happens only when an input changed (content hash).
#
# Output: the path of the shared object on the last stdout line.
# Exit codes: 0 ok, 3 bad input (missing tree, not a kernel tree),
#             4 the kernel tree failed to build (log in OUTDIR/build.log).
# Environment: CC (default cc), MBV_ORACLE_QUIET=1 to silence progress.
set -eu

die() { code=$1; shift; echo "mbv-oracle: $*" >&2; exit "$code"; }

[ $# -eq 2 ] || die 3 "usage: build-oracle.sh KERNEL_TREE_OR_TARBALL OUTDIR"
SRC=$1
OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
RUNNER=$HERE/runner/oracle_runner.c
CC=${CC:-cc}
# x86-64 configuration of the Debian 6.1 kernel: 64-bit phys_addr_t, NUMA
# with NODES_SHIFT=10 (MAX_NUMNODES = 1024).
CONFIG_FLAGS="-DCONFIG_PHYS_ADDR_T_64BIT -DCONFIG_NUMA -DCONFIG_NODES_SHIFT=10"

note() { [ "${MBV_ORACLE_QUIET:-0}" = 1 ] || echo "mbv-oracle: $*" >&2; }

[ -e "$SRC" ] || die 3 "kernel source '$SRC' does not exist"
mkdir -p "$OUT" || die 3 "cannot create output folder '$OUT'"
OUT=$(cd "$OUT" && pwd)

# ---- 1. the tree: a folder as is, or the needed subset of a tarball ----
if [ -d "$SRC" ]; then
  TREE=$(cd "$SRC" && pwd)
else
  case "$SRC" in
    *.tar.xz|*.txz|*.tar.gz|*.tgz|*.tar.bz2|*.tar) ;;
    *) die 3 "kernel source '$SRC' is neither a folder nor a .tar[.xz|.gz|.bz2] tarball" ;;
  esac
  TREE=$OUT/tree
  STAMP=$TREE/.mbv-extracted
  if [ ! -f "$STAMP" ] || [ "$SRC" -nt "$STAMP" ]; then
    rm -rf "$TREE" && mkdir -p "$TREE"
    # The tarball's top folder (linux-source-6.1/); reading one header only.
    TOP=$(tar -tf "$SRC" 2>/dev/null | head -n 1 | cut -d/ -f1) || true
    [ -n "$TOP" ] || die 3 "kernel source '$SRC' is not a readable tarball"
    note "extracting memblock sources from $SRC"
    tar -xf "$SRC" -C "$TREE" --strip-components=1 \
      "$TOP/mm/memblock.c" "$TOP/include/linux" "$TOP/tools/include" \
      "$TOP/tools/lib" "$TOP/tools/arch/x86/include" "$TOP/tools/testing/memblock" \
      2>"$OUT/extract.log" ||
      die 3 "kernel source '$SRC': cannot extract mm/memblock.c and tools/testing/memblock (see $OUT/extract.log)"
    touch "$STAMP"
  fi
fi

SIM=$TREE/tools/testing/memblock
[ -f "$TREE/mm/memblock.c" ] || die 3 "kernel source '$SRC' has no mm/memblock.c (not a kernel tree)"
[ -d "$SIM" ] || die 3 "kernel source '$SRC' has no tools/testing/memblock (needs Linux 5.17 or later)"
[ -f "$TREE/include/linux/memblock.h" ] || die 3 "kernel source '$SRC' has no include/linux/memblock.h"

# ---- 2. cache key: every input file plus this script and the flags ----
KEY=$( {
  cat "$0" "$RUNNER" "$HERE/runner/oracle_abi.h" "$TREE/mm/memblock.c" \
      "$TREE/include/linux/memblock.h"
  find "$SIM" "$TREE/tools/include" -type f \( -name '*.h' -o -name '*.c' \) \
       ! -path '*/tests/*' ! -name main.c ! -name memblock.c | LC_ALL=C sort | xargs cat
  echo "$CC $CONFIG_FLAGS $TREE"
} | sha256sum | cut -c1-16)
SO=$OUT/libmbv_oracle.so
if [ -f "$SO" ] && [ "$(cat "$OUT/.mbv-key" 2>/dev/null)" = "$KEY" ]; then
  echo "$SO"
  exit 0
fi

# ---- 3. staging: the Makefile's symlinks, outside the kernel tree ----
STAGE=$OUT/stage
rm -rf "$STAGE"
mkdir -p "$STAGE/tools/testing"
for d in include mm arch; do
  [ -e "$TREE/$d" ] && ln -s "$TREE/$d" "$STAGE/$d"
done
for d in include lib arch; do
  [ -e "$TREE/tools/$d" ] && ln -s "$TREE/tools/$d" "$STAGE/tools/$d"
done
cp -R "$SIM" "$STAGE/tools/testing/memblock"
M=$STAGE/tools/testing/memblock
rm -f "$M/memblock.c" "$M/linux/memblock.h" "$M/asm/asm.h" "$M/asm/cmpxchg.h" "$M"/*.o "$M"/*/*.o
mkdir -p "$M/linux" "$M/asm"
ln -s ../../../../include/linux/memblock.h "$M/linux/memblock.h"
ln -s ../../../arch/x86/include/asm/asm.h "$M/asm/asm.h"
ln -s ../../../arch/x86/include/asm/cmpxchg.h "$M/asm/cmpxchg.h"
ln -s ../../../mm/memblock.c "$M/memblock.c"

# ---- 4. compile: runner (+ memblock.c in the same unit) and the shims ----
LOG=$OUT/build.log
: >"$LOG"
TREE_DESC=$(printf '%s' "$SRC" | sed 's/["\\]/_/g')
CFLAGS="-std=gnu11 -O2 -g -fPIC -fvisibility=hidden -w -I. -I../../include $CONFIG_FLAGS"
note "building the kernel oracle from $SRC"
OBJS=""
build() {  # build OBJ SOURCE [extra flags]
  obj=$1; src=$2; shift 2
  echo "$CC $CFLAGS $* -c $src -o $obj" >>"$LOG"
  if ! (cd "$M" && $CC $CFLAGS "$@" -c "$src" -o "$obj") >>"$LOG" 2>&1; then
    first=$(grep -m1 -E 'error|Error' "$LOG" || tail -n 1 "$LOG")
    die 4 "kernel tree '$SRC' failed to build: $first (full log: $LOG)"
  fi
  OBJS="$OBJS $obj"
}
build "$OUT/oracle_runner.o" "$RUNNER" -I"$HERE/runner" "-DMBV_ORACLE_TREE=\"$TREE_DESC\""
for f in "$M"/*.c "$M"/lib/*.c; do
  case "$(basename "$f")" in main.c|memblock.c) continue ;; esac
  [ -f "$f" ] || continue
  rel=${f#"$M"/}
  build "$OUT/shim_$(echo "$rel" | tr / _ | sed 's/\.c$/.o/')" "$rel"
done
# kmalloc/kfree for the simulator come from tools/lib/slab.c (never called
# before slab is up, but memblock.c references them).
[ -f "$STAGE/tools/lib/slab.c" ] && build "$OUT/tools_lib_slab.o" ../../lib/slab.c
echo "$CC -shared -o $SO.tmp $OBJS" >>"$LOG"
# shellcheck disable=SC2086
if ! $CC -shared -Wl,-z,defs -o "$SO.tmp" $OBJS >>"$LOG" 2>&1; then
  first=$(grep -m1 -E 'undefined|error' "$LOG" || tail -n 1 "$LOG")
  die 4 "kernel tree '$SRC' failed to link: $first (full log: $LOG)"
fi
mv "$SO.tmp" "$SO"
echo "$KEY" >"$OUT/.mbv-key"
echo "$SO"
