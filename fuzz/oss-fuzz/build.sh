#!/bin/bash -eu
# OSS-Fuzz build: compiler and flags come from the environment
# ($CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE); everything lands in $OUT.
# The build type "OssFuzz" has no flags of its own, so $CFLAGS/$CXXFLAGS alone
# decide optimisation and instrumentation (Release would add -O3 -DNDEBUG).
# The kernel tree for the oracle: $KERNEL_SRC if set, else Debian's
# /usr/src/linux-source-6.1.tar.xz (the Dockerfile installs it). Without one,
# every target but memblock_ops_diff is built and packaged (package.sh says why).
ROOT="${MBV_ROOT:-$SRC/memblock-verify}"
cmake -S "$ROOT" -B "$WORK/mbv-build" -G Ninja -DCMAKE_BUILD_TYPE=OssFuzz \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DKERNEL_SRC="${KERNEL_SRC:-}" \
  -DMBV_FUZZ=ON -DMBV_OSS_FUZZ=ON -DMBV_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DMBV_BUILD_TESTS=OFF -DMBV_BUILD_BENCH=OFF
cmake --build "$WORK/mbv-build" -j"${MBV_BUILD_JOBS:-$(nproc)}" --target fuzzers
"$ROOT/fuzz/oss-fuzz/package.sh" "$ROOT" "$WORK/mbv-build/fuzzers.txt" "$OUT"
