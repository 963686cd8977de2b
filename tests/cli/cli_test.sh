#!/usr/bin/env bash
# The mbverify command line on good and bad files (issue #3): good input exits
# 0 with the expected report; truncated, garbage or inconsistent input gives
# exactly one line on stderr that names the file (and the line or byte where
# it can) and exits 3 -- never a crash, a sanitizer report or a half report.
# Also (issue #6): a fuzz finding replays with `mbverify replay`.
#
# usage: cli_test.sh MBVERIFY SOURCE_DIR GROUP
#   GROUP: e820 | srat | scenario | replay | boot | finding-boot | finding-memblock
# Files come from tests/cli/data; mbverify runs in that folder so the file
# names in its messages are the short relative ones. Exit 0 pass, 1 fail,
# 77 skipped (no kernel oracle, for the parts that need one).
set -u
M=$1
SRC=$2
GROUP=$3
D=$SRC/tests/cli/data
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failures=0
checks=0
knowns=0
skipped=0

fail() {
  echo "FAIL [$GROUP] $*"
  failures=$((failures + 1))
}

# run ARGS...: mbverify in $D; sets rc, out ($T/out) and err ($T/err).
run() {
  checks=$((checks + 1))
  (cd "$D" && "$M" "$@") >"$T/out" 2>"$T/err"
  rc=$?
}

show() { sed -n '1,12p' "$T/err" | sed 's/^/    stderr: /'; }

# ok EXPECTED_STDOUT_FILE|- ARGS...: exit 0, nothing on stderr, stdout as expected.
ok() {
  local want=$1
  shift
  run "$@"
  if [[ $rc -ne 0 ]]; then
    fail "mbverify $*: exit $rc, want 0"; show; return
  fi
  if [[ -s $T/err ]]; then
    fail "mbverify $*: unexpected stderr"; show; return
  fi
  if [[ $want != - ]] && ! diff -u "$D/$want" "$T/out" >"$T/diff"; then
    fail "mbverify $*: stdout differs from $want"; sed -n '1,30p' "$T/diff"
  fi
}

# bad MESSAGE ARGS...: exit 3, nothing on stdout, stderr exactly the one line MESSAGE.
bad() {
  local want=$1
  shift
  run "$@"
  if [[ $rc -ne 3 ]]; then
    fail "mbverify $*: exit $rc, want 3"; show; return
  fi
  if [[ $(wc -l <"$T/err") -ne 1 ]]; then
    fail "mbverify $*: want exactly one stderr line, got $(wc -l <"$T/err")"; show; return
  fi
  if [[ $(cat "$T/err") != "$want" ]]; then
    fail "mbverify $*: message"
    echo "    want: $want"
    echo "    got:  $(cat "$T/err")"
  fi
  if [[ -s $T/out ]]; then
    fail "mbverify $*: a half report on stdout"; sed -n '1,5p' "$T/out"
  fi
}

# bad_names FILE ARGS...: exit 3, exactly one stderr line, and it names FILE
# (for the subcommands whose wording belongs to other modules).
bad_names() {
  local file=$1
  shift
  run "$@"
  if [[ $rc -ne 3 ]]; then
    fail "mbverify $*: exit $rc, want 3"; show; return
  fi
  if [[ $(wc -l <"$T/err") -ne 1 ]]; then
    fail "mbverify $*: want exactly one stderr line, got $(wc -l <"$T/err")"; show; return
  fi
  if ! grep -qF "$file" "$T/err"; then
    fail "mbverify $*: the message does not name $file: $(cat "$T/err")"
  fi
}

# known WHAT CHECK ARGS...: a check that fails today for a reason reported to
# the owner of that code: a failure is printed as KNOWN and does not fail the
# group; once it passes, the line says so and the mark should be dropped.
known() {
  local why=$1
  shift
  local before=$failures
  "$@" >"$T/known" 2>&1
  if [[ $failures -ne $before ]]; then
    failures=$before
    knowns=$((knowns + 1))
    echo "KNOWN [$GROUP] $why:"
    sed 's/^/  /' "$T/known"
  else
    echo "NOW PASSES [$GROUP] (drop the known mark): $why"
  fi
}

group_e820() {
  ok e820-good.expected e820 sanitize e820-good.dmesg
  ok e820-good-mem1g.expected e820 sanitize e820-good.dmesg --log-cmdline
  ok e820-good-mem1g.expected e820 sanitize e820-good.dmesg --cmdline "ro mem=1G"
  # Overlapping, unsorted firmware entries are legal input: e820__update_table
  # resolves them (highest type wins), and so does the tool.
  ok e820-overlap.expected e820 sanitize e820-overlap.dmesg
  ok e820-good-bootparams.expected e820 sanitize e820-good.bootparams
  # dmesg -> bootparams -> dmesg is lossless.
  ok - e820 convert e820-good.dmesg --to bootparams -o "$T/t.bp"
  ok e820-good-convert.expected e820 convert "$T/t.bp" --to dmesg

  bad 'e820-truncated.dmesg:7: expected "] " after the end address' \
    e820 sanitize e820-truncated.dmesg
  bad 'e820-unknown-type.dmesg:2: unknown e820 type "wonderful"' \
    e820 sanitize e820-unknown-type.dmesg
  bad 'e820-wrap.dmesg:2: entry [mem 0xfffffffffff00000-0x00000000000fffff] wraps the 64-bit address space; e820__update_table refuses the whole table' \
    e820 sanitize e820-wrap.dmesg
  bad 'e820-truncated.bootparams: byte 0x28: table ends inside an entry: 45 bytes is not a multiple of 20' \
    e820 sanitize e820-truncated.bootparams
  bad 'e820-truncated.bootparams: byte 0x28: table ends inside an entry: 45 bytes is not a multiple of 20' \
    e820 convert e820-truncated.bootparams --to dmesg
  bad 'e820-zeropage-200.bootparams: byte 0x1e8: e820_entries is 200, boot_params holds at most 128' \
    e820 sanitize e820-zeropage-200.bootparams
  bad 'garbage.bin: byte 0x14: entry [mem 0xa43af46478f1198b-0x42c10d2e4faee95b] wraps the 64-bit address space; e820__update_table refuses the whole table' \
    e820 sanitize garbage.bin
  bad 'text.txt: no "BIOS-e820: [mem ...]" line' e820 sanitize text.txt
  bad 'empty.txt: no "BIOS-e820: [mem ...]" line' e820 sanitize empty.txt
  bad 'text.txt: no "BIOS-e820: [mem ...]" line' e820 sanitize text.txt --cmdline mem=1G
  bad 'e820-sysfs-gap: entry directories are not numbered 0..1 (missing 1)' \
    e820 sanitize e820-sysfs-gap
  bad 'text.txt: not a directory' e820 sanitize --format sysfs text.txt
  bad 'no-such-file.dmesg: cannot open' e820 sanitize no-such-file.dmesg
  bad 'e820-overlap.dmesg: --log-cmdline: no "Command line:" line' e820 sanitize e820-overlap.dmesg --log-cmdline
  # A user map the kernel would BUG() on: one line, no table.
  bad '--cmdline: memmap=1M%0x100000-1+1: e820 range update from type 1 to itself (the kernel BUG()s here)' \
    e820 sanitize e820-good.dmesg --cmdline 'memmap=1M%0x100000-1+1'
}

group_srat() {
  ok - srat encode --mem 0:0:2G --mem 1:4G:4G:hotplug -o "$T/good.srat"
  run srat decode --linux "$T/good.srat"
  [[ $rc -eq 0 && ! -s $T/err ]] || { fail "decode of an encoded SRAT: exit $rc"; show; }
  grep -qx '  ACPI: SRAT: Node 1 PXM 1 \[mem 0x100000000-0x1ffffffff\] hotplug' "$T/out" ||
    fail "decode --linux: the hotplug node line is missing"
  head -c 60 "$T/good.srat" >"$T/cut.srat"
  run srat decode "$T/cut.srat"
  [[ $rc -eq 3 && $(cat "$T/err") == "$T/cut.srat: byte 0x3c: truncated: table length 0x80 overruns the 0x3c-byte input" ]] ||
    { fail "truncated SRAT: exit $rc"; show; }

  bad 'garbage.bin: byte 0x0: signature is "\xfcQX-", expected "SRAT"' srat decode garbage.bin
  bad 'garbage.bin: byte 0x0: signature is "\xfcQX-", expected "SRAT"' srat decode --linux garbage.bin
  bad 'empty.txt: byte 0x0: truncated: 0 bytes, an ACPI table header needs 36' srat decode empty.txt
  bad 'text.txt: byte 0x0: signature is "hell", expected "SRAT"' srat decode text.txt
  bad 'no-such-file.srat: cannot open' srat decode no-such-file.srat
}

group_scenario() {
  ok - scenario check "$SRC/corpus/machines/laptop.scenario"
  bad_names garbage.bin scenario check garbage.bin
  bad_names text.txt scenario check text.txt
  bad_names empty.txt scenario check empty.txt
  bad_names header-then-garbage.scenario scenario check header-then-garbage.scenario
  bad_names garbage.bin scenario from-dmesg garbage.bin
  bad_names empty.txt scenario from-dmesg empty.txt
}

group_replay() {
  bad_names text.txt replay text.txt
  bad_names empty.txt replay empty.txt
  bad_names header-then-garbage.scenario replay header-then-garbage.scenario
  bad_names bad-call.trace replay bad-call.trace
  bad_names header-only.scenario replay header-only.scenario
}

group_boot() {
  ok - boot --dmesg e820-good.dmesg
  bad_names garbage.bin boot garbage.bin
  bad_names text.txt boot text.txt
  bad_names empty.txt boot empty.txt
  bad_names header-then-garbage.scenario boot header-then-garbage.scenario
  bad_names garbage.bin boot --dmesg garbage.bin
  bad_names header-only.scenario boot header-only.scenario
  # --events-per-node cuts the 6.1 spill's page-table run at the SRAT node
  # edge: one piece stays in node 0, the other lies wholly in hot-pluggable
  # node 1 and names its share of the run; without the flag it is one event
  # that is only partly in hot-pluggable memory.
  local spill=$SRC/corpus/machines/spill-2node.scenario
  local piece='0x0000000080000000-0x0000000086e3bfff         1 YES      31806 page-table pages'
  ok - boot "$spill" --events-per-node
  grep -qF "$piece" "$T/out" || fail "boot --events-per-node: no node-1 piece of the spill"
  grep -qF '(28220 here)' "$T/out" || fail "boot --events-per-node: the piece does not give its share"
  ok - boot "$spill"
  grep -qF "$piece" "$T/out" && fail "boot without --events-per-node: the spill run was cut"
  grep -qF '0x0000000086e3bfff         0 partly   31806' "$T/out" ||
    fail "boot without --events-per-node: the spill is not one partly-hotplug event"
}

# Issue #6's acceptance: what `make fuzz` leaves in findings/ replays with
# `mbverify replay` (directly, or after `mbverify fuzz decode`, which make
# fuzz runs on every finding).
group_finding-boot() {
  # A boot_pipeline crash file (kept as a regression) is its own reproducer:
  # replay decodes it with the harness's decoder and tells the story of the
  # hotplug-safety finding it was kept for.
  local bin=$SRC/corpus/regressions/boot_pipeline-pgtable-in-hotplug-13d60669.bin
  local sig='observed: hotplug-safety/linux-6.1/direct-map-pgtable/hotplug'
  run replay "$bin"
  if [[ $rc -ne 0 ]]; then
    fail "replay of the boot_pipeline finding: exit $rc"; show
  else
    grep -qx "$sig" "$T/out" || fail "replay of the boot_pipeline finding: no '$sig'"
    grep -qx 'overall: FINDING' "$T/out" || fail "replay of the boot_pipeline finding: no verdict"
  fi
  # The same bytes decoded into a scenario tell the same story.
  run fuzz decode boot_pipeline "$bin" -o "$T/finding.scenario"
  [[ $rc -eq 0 ]] || { fail "fuzz decode boot_pipeline: exit $rc"; show; return; }
  run replay "$T/finding.scenario"
  [[ $rc -eq 0 ]] || { fail "replay of the decoded scenario: exit $rc"; show; return; }
  grep -qx "$sig" "$T/out" || fail "the decoded scenario replays to another signature"
}

group_finding-memblock() {
  # The raw crash file of the memblock_ops campaign finding crash-1a373609
  # (docs/fuzzing.md; the spec's capacity law was too strict, fixed since as
  # regression spec-0001). fuzz decode gives the trace the harness ran: its
  # first 162 ops are exactly what the fuzzer printed after "trace:" when it
  # stopped at the failing step (printed.trace), the rest is what the input
  # held beyond it.
  local crash=fuzz-memblock_ops-crash-1a373609
  run fuzz decode memblock_ops "$crash" -o "$T/finding.trace"
  [[ $rc -eq 0 ]] || { fail "fuzz decode memblock_ops: exit $rc"; show; return; }
  local printed
  printed=$(wc -l <"$D/$crash.printed.trace")
  if ! diff <(grep -v '^#' "$T/finding.trace" | head -n "$printed") "$D/$crash.printed.trace" >"$T/diff"; then
    fail "the decoded trace is not the one the fuzzer printed"; sed -n '1,10p' "$T/diff"
  fi
  # The raw crash file replays too: decoded as memblock_ops bytes, named by
  # --target or by the folder make fuzz puts it in (findings/memblock_ops/).
  mkdir -p "$T/memblock_ops"
  cp "$D/$crash" "$T/memblock_ops/crash-1a373609"
  for args in "--target memblock_ops $D/$crash" "$T/memblock_ops/crash-1a373609"; do
    run replay $args
    grep -q '^# .*: fuzz bytes decoded as a memblock_ops input$' "$T/out" &&
      grep -qx 'every step holds (331 ops)' "$T/out" ||
      { fail "replay $args: not replayed as a memblock_ops trace"; show; }
  done
  # Bytes of a target whose findings replay elsewhere: one line saying where.
  run replay --target kaslr "$D/$crash"
  [[ $rc -eq 3 ]] && grep -q 'a kaslr input; its findings replay with: ' "$T/err" ||
    { fail "replay --target kaslr: exit $rc"; show; }
  # A trace that reaches a documented 6.1 gap is told so, not judged beyond it.
  run replay "$SRC/tests/spec/data/gap4-reserve-from-zero.trace"
  grep -q '^step [0-9]* hits a documented Linux 6.1 gap; later steps are not judged' "$T/out" ||
    { fail "replay of a gap trace: no gap line"; show; }
  # The executable spec on every step, as memblock_ops checks it: the spec
  # was fixed since, so every step holds (it needs no kernel tree). Then the
  # model and the kernel oracle: they agree (the finding was the spec's, not
  # a divergence); without an oracle that part is skipped.
  run replay "$T/finding.trace"
  grep -qx 'every step holds (331 ops)' "$T/out" ||
    { fail "replay of the decoded trace: the spec part is missing"; show; }
  if [[ $rc -eq 3 ]] && grep -qi 'oracle\|kernel source' "$T/err"; then
    echo "SKIP [$GROUP] replay of the trace: $(cat "$T/err")"
    skipped=1
    return
  fi
  [[ $rc -eq 0 ]] || { fail "replay of the decoded trace: exit $rc"; show; return; }
  grep -qx 'model and kernel agree after every op (331 ops)' "$T/out" ||
    { fail "replay of the decoded trace: no agreement line"; sed -n '1,5p' "$T/out"; }
}

case $GROUP in
  e820 | srat | scenario | replay | boot | finding-boot | finding-memblock) "group_$GROUP" ;;
  *) echo "cli_test.sh: unknown group '$GROUP'"; exit 1 ;;
esac
if [[ $failures -ne 0 ]]; then
  echo "cli $GROUP: $failures of $checks checks failed"
  exit 1
fi
if [[ $skipped -ne 0 ]]; then
  echo "cli $GROUP: skipped (see SKIP above); $checks checks ran"
  exit 77
fi
if [[ $knowns -ne 0 ]]; then
  echo "cli $GROUP: $((checks - knowns)) checks ok, $knowns known failure(s) (KNOWN above)"
else
  echo "cli $GROUP: $checks checks ok"
fi
