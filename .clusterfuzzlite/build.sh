#!/bin/bash -eu
# ClusterFuzzLite checks the repository out at $SRC/memblock-verify; the build
# itself is the OSS-Fuzz one, kept in a single place.
exec "$SRC/memblock-verify/fuzz/oss-fuzz/build.sh"
