#!/usr/bin/env python3
"""Writes the memblock_ops seed corpus (corpus/memblock_ops/*.bin) and the
memblock_ops_diff regression seeds (corpus/memblock_ops_diff/*.bin).

Each seed is a readable kernel-call script encoded in the byte format of
impl/trace/trace_decode.h: a header byte (bit 0 movable_node, bit 1
memblock_allow_resize, bit 2 bottom-up, bits 3-5 and 6-7 the static array
sizes, see init_sizes()), then per op a kind byte and its
fields; every field here is written raw (0xe0 + 8 little-endian bytes),
except type and bool fields, which are a class byte plus two bytes.
Run from the repository root: python3 fuzz/memblock_ops/make_seeds.py
"""
import os
import struct

KINDS = ["memblock_allow_resize", "memblock_set_bottom_up", "memblock_set_current_limit",
         "movable_node", "kernelcore_mirror", "memblock_add", "memblock_add_node",
         "memblock_remove", "memblock_reserve", "memblock_phys_free", "memblock_mark_hotplug",
         "memblock_clear_hotplug", "memblock_mark_mirror", "memblock_mark_nomap",
         "memblock_clear_nomap", "memblock_set_node", "memblock_trim_memory",
         "memblock_cap_memory_range", "memblock_mem_limit_remove_map",
         "memblock_enforce_memory_limit", "memblock_phys_alloc_range",
         "memblock_phys_alloc_try_nid", "memblock_alloc_try_nid", "memblock_alloc_try_nid_raw",
         "memblock_alloc_exact_nid_raw", "memblock_alloc_low", "memblock_is_region_reserved",
         "memblock_is_region_memory", "memblock_search_pfn_nid", "memblock_find_in_range"]
# Field kinds per op, in decode order: 'r' raw 64-bit, 't' type (0 memory, 1 reserved), 'b' bool.
# Fields are the Op's a, b, c, d (impl/memblock/op.h), which is the kernel's
# argument order except for memblock_find_in_range(c, d, a, b): size, align,
# start, end here.
SHAPES = {"memblock_allow_resize": "", "memblock_set_bottom_up": "b", "movable_node": "b",
          "kernelcore_mirror": "b", "memblock_set_node": "rrtr"}
MAX = (1 << 64) - 1
HOTPLUG, MIRROR, NOMAP = 1, 2, 4


def shape(name, nargs):
    return SHAPES.get(name, "r" * nargs)


def encode(header, calls):
    out = bytearray([header])
    for name, *args in calls:
        out.append(KINDS.index(name))
        for kind, v in zip(shape(name, len(args)), args):
            if kind == "r":
                out += bytes([0xe0]) + struct.pack("<Q", v & MAX)
            else:  # class byte picks the value, two filler bytes follow
                out += bytes([v, 0, 0])
    return bytes(out)


G, M, K4 = 1 << 30, 1 << 20, 1 << 12

MEMORY_SIZES = [128, 1, 2, 4, 8, 16, 32, 64]
RESERVED_SIZES = [None, 1, 8, 128]  # None: as memory


def init_sizes(memory, reserved=None):
    """Header bits for INIT_MEMBLOCK_MEMORY_REGIONS / _RESERVED_REGIONS."""
    return MEMORY_SIZES.index(memory) << 3 | RESERVED_SIZES.index(reserved) << 6
SEEDS = {
    # e820-like RAM, early reservations, page-table style allocations, then SRAT.
    "boot-two-nodes": (2, [
        ("memblock_add", 0x1000, 0x9e800), ("memblock_add", M, 2 * G - M),
        ("memblock_add", 4 * G, 4 * G), ("memblock_reserve", 0, 0x10000),
        ("memblock_reserve", 16 * M, 32 * M), ("memblock_trim_memory", K4),
        ("memblock_phys_alloc_range", K4, K4, M, MAX), ("memblock_phys_alloc_range", 2 * M, 2 * M, 0, 0),
        ("memblock_set_node", 0, 2 * G, 0, 0), ("memblock_set_node", 4 * G, 4 * G, 0, 1),
        ("memblock_mark_hotplug", 4 * G, 4 * G),
        ("memblock_alloc_try_nid", 0x4000, K4, 0, 0, 1), ("memblock_phys_alloc_try_nid", 0x100000, 2 * M, 0),
        ("memblock_alloc_exact_nid_raw", K4, K4, 4 * G, 0, 1), ("memblock_clear_hotplug", 0, MAX),
        ("memblock_alloc_low", 0x2000, K4), ("memblock_is_region_memory", M, 4 * M),
        ("memblock_search_pfn_nid", 0x100000), ("memblock_find_in_range", 8 * M, 2 * M, 0, 4 * G)]),
    "movable-bottom-up": (1 | 2 | 4, [
        ("memblock_add_node", M, G, 0, 0), ("memblock_add_node", G, G, 1, HOTPLUG),
        ("memblock_reserve", M, 16 * M), ("memblock_phys_alloc_range", 64 * M, K4, 0, 0),
        ("memblock_alloc_try_nid_raw", 16 * M, 2 * M, G, 0, 1), ("memblock_set_bottom_up", 0),
        ("memblock_phys_alloc_try_nid", 8 * K4, K4, 1), ("memblock_is_region_reserved", M, K4)]),
    "mirror": (2, [
        ("kernelcore_mirror", 1), ("memblock_add", M, 3 * G), ("memblock_mark_mirror", M, G),
        ("memblock_phys_alloc_range", 2 * M, 2 * M, 0, MAX), ("memblock_alloc_try_nid", K4, 0, 2 * G, 0, 0),
        ("memblock_find_in_range", 2 * G, G, 0, MAX)]),
    "cap-nomap-trim": (0, [
        ("memblock_add", 0x1800, 0x3000), ("memblock_add", 0x500000, 0x100000),
        ("memblock_add", 0x10000, 0x800), ("memblock_mark_nomap", 0x500000, 0x100000),
        ("memblock_cap_memory_range", 0x540000, 0x80000), ("memblock_is_region_memory", 0x500000, 0x80000),
        ("memblock_trim_memory", 0x40000), ("memblock_clear_nomap", 0, MAX)]),
    "near-top": (2, [
        ("memblock_add", MAX - 0x10000, 0x100000), ("memblock_reserve", MAX - 0x8000, 0x1000),
        ("memblock_add", MAX - 0x40000, 0x20000), ("memblock_phys_alloc_range", K4, K4, 0, MAX),
        ("memblock_phys_alloc_range", 0, K4, 0, MAX), ("memblock_phys_free", MAX - 0x8000, MAX),
        ("memblock_remove", MAX - 0x2000, 0x2000)]),
    "limits": (2, [
        ("memblock_add", M, G), ("memblock_add_node", 2 * G, G, 1, NOMAP), ("memblock_reserve", 512 * M, 4 * M),
        ("memblock_enforce_memory_limit", 768 * M), ("memblock_add", 4 * G, G),
        ("memblock_mem_limit_remove_map", G + 2 * M), ("memblock_set_current_limit", 256 * M),
        ("memblock_alloc_try_nid", K4, K4, 0, MAX, 0)]),
    # Bottom-up with an alignment that is not a power of two: round_up wraps
    # to 0 in the range at 1M but not near the top, so the search and the
    # allocation find nothing (spec-0005; corpus/regressions/spec-0005-*).
    "align-not-power-of-two": (4, [("memblock_add", M, K4), ("memblock_add", MAX - 0xbfff, K4),
                                   ("memblock_find_in_range", K4, 0xffffffffffff04ff, 0, 0),
                                   ("memblock_phys_alloc_try_nid", K4, 0xffffffffffff04ff, -1)]),
}

# Fill bursts (kind byte 0xff: count byte, base / 16M, step shift, 0 memory /
# 1 reserved); a burst is count byte + half the array's static size ops (at
# least 1), at most 32 past the static size.
BURSTS = {
    # 130 memory pieces (doubles memory), 127 reservations (reserved full),
    # 130 more memory pieces: the second memory doubling frees the old array,
    # which doubles reserved onto the new memory array (docs/spec.md, gap 3).
    "double-array-overlap-gap": (encode(2, [("memblock_add", 4 * G, G)]),
                                 [(66, 0, 0, 0), (63, 64, 0, 1), (66, 1, 0, 0)]),
    # Static arrays of 4: 10 memory pieces double memory twice (4 -> 16), 12
    # reservations double reserved twice; short enough for a fast fuzzer.
    "small-arrays-double": (encode(2 | init_sizes(4), [("memblock_add", 4 * G, G)]),
                            [(8, 0, 0, 0), (10, 64, 0, 1)]),
    # memory 8, reserved 1: every memory doubling reserves its new array, and
    # reserved doubles inside it.
    "small-reserved-nested": (encode(2 | init_sizes(8, 1), [("memblock_add", 4 * G, G),
                                                            ("memblock_reserve", 4 * G, K4)]),
                              [(12, 0, 0, 0), (3, 64, 0, 1)]),
    # Static arrays of 2 and no memblock_allow_resize: the third piece is
    # -ENOMEM, an allocation finds reserved full.
    "small-arrays-no-resize": (encode(init_sizes(2), [("memblock_add", M, G), ("memblock_add", 2 * G, M),
                                                      ("memblock_add", 4 * G, M), ("memblock_reserve", M, K4),
                                                      ("memblock_reserve", 3 * M, K4),
                                                      ("memblock_phys_alloc_range", K4, K4, 0, MAX)]),
                               []),
}

# Regression seeds of memblock_ops_diff (same byte format), in corpus/memblock_ops_diff.
DIFF_SEEDS = {
    # A trim that wraps at the top (kernel gap 1) on a step DiffCheck does not
    # judge (past its first 64), then one judged step from the wrapped state
    # (corpus/regressions/diff-0003-trim-wrap-state-after-unchecked-steps.trace).
    "regression-trim-wrap-after-unchecked-steps": (0, [
        ("memblock_add", M, M), ("memblock_add", MAX - 0xeff, 0x100), ("memblock_add", MAX - 0xbff, 0x100)]
        + [("memblock_allow_resize",)] * 64
        + [("memblock_trim_memory", K4), ("memblock_is_region_reserved", M, K4)]),
}

if __name__ == "__main__":
    out_dir = os.path.join("corpus", "memblock_ops")
    os.makedirs(out_dir, exist_ok=True)
    for name, (header, calls) in SEEDS.items():
        with open(os.path.join(out_dir, name + ".bin"), "wb") as f:
            f.write(encode(header, calls))
    for name, (head, bursts) in BURSTS.items():
        with open(os.path.join(out_dir, name + ".bin"), "wb") as f:
            f.write(head + b"".join(bytes([0xff, *b]) for b in bursts))
    diff_dir = os.path.join("corpus", "memblock_ops_diff")
    os.makedirs(diff_dir, exist_ok=True)
    for name, (header, calls) in DIFF_SEEDS.items():
        with open(os.path.join(diff_dir, name + ".bin"), "wb") as f:
            f.write(encode(header, calls))
