#!/bin/bash -eu
# install-linux-source.sh: puts Debian's linux-source-6.1 package (the kernel
# tree every part of the suite is checked against: /usr/src/linux-source-6.1.tar.xz)
# into the OSS-Fuzz / ClusterFuzzLite builder image.
#
# The builder image must be OSS-Fuzz's base-builder (its clang, libFuzzer and
# `compile` script are what OSS-Fuzz and ClusterFuzzLite run), and that image is
# Ubuntu, which does not package a 6.1 kernel source. So this adds Debian
# bookworm (and bookworm-security, where the 6.1 point releases land) as an
# apt source signed by the Debian archive keyring, pinned so that apt takes
# exactly one package from it: linux-source-6.1 (its dependencies, binutils and
# xz-utils, come from Ubuntu). Nothing is fetched outside a package archive.
# Run as root inside the image (a Dockerfile RUN step).
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends debian-archive-keyring ca-certificates
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat > /etc/apt/sources.list.d/debian-bookworm-linux-source.list <<SOURCES
deb [signed-by=$keyring] http://deb.debian.org/debian bookworm main
deb [signed-by=$keyring] http://deb.debian.org/debian-security bookworm-security main
SOURCES
cat > /etc/apt/preferences.d/debian-bookworm-linux-source <<PINS
Package: *
Pin: origin deb.debian.org
Pin-Priority: -1

Package: linux-source-6.1
Pin: origin deb.debian.org
Pin-Priority: 500
PINS
apt-get update
apt-get install -y --no-install-recommends linux-source-6.1
test -f /usr/src/linux-source-6.1.tar.xz
rm -rf /var/lib/apt/lists/*
