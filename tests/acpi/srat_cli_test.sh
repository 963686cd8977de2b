#!/bin/sh
# mbverify srat, end to end: encode -> decode, the Linux view, and bad input
# giving one "FILE: byte 0xNN: ..." line with exit 3.
# usage: srat_cli_test.sh MBVERIFY
set -u
M="$1"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$M" srat encode --mem 0:0:2G --mem 1:4G:4G:hotplug,nv --cpu 0:0 --cpu 1:300 -o "$T/a.srat" >/dev/null \
  || fail "encode"
out=$("$M" srat decode "$T/a.srat" --linux) || fail "decode exit $?"
echo "$out" | grep -qx '  ACPI: SRAT: Node 1 PXM 1 \[mem 0x100000000-0x1ffffffff\] hotplug non-volatile' \
  || fail "linux view line missing: $out"
echo "$out" | grep -q 'x86_acpi_numa_init = 0: SRAT used' || fail "verdict missing"
echo "$out" | grep -q 'KASLR (count_immovable_mem_regions) = 1' || fail "kaslr view missing"

head -c 100 "$T/a.srat" > "$T/short.srat"
err=$("$M" srat decode "$T/short.srat" 2>&1 >/dev/null)
rc=$?
[ "$rc" -eq 3 ] || fail "truncated: exit $rc"
[ "$err" = "$T/short.srat: byte 0x64: truncated: table length 0xa8 overruns the 0x64-byte input" ] \
  || fail "truncated message: $err"

# Flip one byte: the checksum is wrong; accepted on request, as Linux does.
cp "$T/a.srat" "$T/sum.srat"
printf '\377' | dd of="$T/sum.srat" bs=1 seek=160 conv=notrunc 2>/dev/null
"$M" srat decode "$T/sum.srat" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 3 ] || fail "bad checksum: exit $rc"
"$M" srat decode --accept-bad-checksum "$T/sum.srat" | grep -q 'checksum 0x.. (BAD)' \
  || fail "bad checksum not reported"

"$M" srat encode --mem 0:zz:1G -o "$T/x.srat" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 3 ] || fail "bad --mem: exit $rc"
echo "srat cli: ok"
