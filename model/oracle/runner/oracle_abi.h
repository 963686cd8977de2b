/*
 * The C interface between mbverify and a kernel oracle shared object
 * (libmbv_oracle.so, built by model/oracle/build-oracle.sh from one kernel
 * tree). Our own code; plain C so the runner compiles in the same translation
 * unit as the kernel's mm/memblock.c.
 *
 * The operation numbering is our own and stable: the C++ side maps
 * mbv::OpKind onto it with an explicit switch, so reordering op.h never
 * silently changes what the oracle runs.
 */
#ifndef MBV_ORACLE_ABI_H
#define MBV_ORACLE_ABI_H

#include <stdint.h>

#define MBV_ORACLE_ABI_VERSION 3

enum mbv_oracle_op_kind {
  MBV_ORACLE_ALLOW_RESIZE = 1,
  MBV_ORACLE_SET_BOTTOM_UP = 2,
  MBV_ORACLE_SET_CURRENT_LIMIT = 3,
  MBV_ORACLE_SET_MOVABLE_NODE = 4,
  MBV_ORACLE_SET_MIRRORED_KERNELCORE = 5,
  MBV_ORACLE_INIT_REGIONS = 6, /* static array sizes: a memory, b reserved */
  MBV_ORACLE_ADD = 10,
  MBV_ORACLE_ADD_NODE = 11,
  MBV_ORACLE_REMOVE = 12,
  MBV_ORACLE_RESERVE = 13,
  MBV_ORACLE_PHYS_FREE = 14,
  MBV_ORACLE_MARK_HOTPLUG = 15,
  MBV_ORACLE_CLEAR_HOTPLUG = 16,
  MBV_ORACLE_MARK_MIRROR = 17,
  MBV_ORACLE_MARK_NOMAP = 18,
  MBV_ORACLE_CLEAR_NOMAP = 19,
  MBV_ORACLE_SET_NODE = 20,
  MBV_ORACLE_TRIM_MEMORY = 21,
  MBV_ORACLE_CAP_MEMORY_RANGE = 22,
  MBV_ORACLE_MEM_LIMIT_REMOVE_MAP = 23,
  MBV_ORACLE_ENFORCE_MEMORY_LIMIT = 24,
  MBV_ORACLE_PHYS_ALLOC_RANGE = 30,
  MBV_ORACLE_PHYS_ALLOC_TRY_NID = 31,
  MBV_ORACLE_ALLOC_TRY_NID = 32,
  MBV_ORACLE_ALLOC_TRY_NID_RAW = 33,
  MBV_ORACLE_ALLOC_EXACT_NID_RAW = 34,
  MBV_ORACLE_ALLOC_LOW = 35,
  MBV_ORACLE_IS_REGION_RESERVED = 40,
  MBV_ORACLE_IS_REGION_MEMORY = 41,
  MBV_ORACLE_SEARCH_PFN_NID = 42,
  MBV_ORACLE_FIND_IN_RANGE = 43
};

/* memblock type selector for SET_NODE and for reading regions. */
enum mbv_oracle_type { MBV_ORACLE_MEMORY = 0, MBV_ORACLE_RESERVED = 1 };

struct mbv_oracle_op {
  uint32_t kind; /* enum mbv_oracle_op_kind */
  int32_t nid;
  uint32_t flags;
  uint32_t type; /* enum mbv_oracle_type */
  uint64_t a, b, c, d;
};

/* Status of one apply call. */
enum mbv_oracle_status {
  MBV_ORACLE_OK = 0,
  MBV_ORACLE_UNKNOWN_OP = 1, /* kind not known to this runner */
  MBV_ORACLE_KERNEL_BUG = 2  /* the kernel hit BUG()/BUG_ON(); reset before reuse */
};

struct mbv_oracle_result {
  int64_t value;     /* errno-style int, physical address, or 0/1 */
  uint64_t aux0;     /* SEARCH_PFN_NID: start_pfn */
  uint64_t aux1;     /* SEARCH_PFN_NID: end_pfn */
  int32_t bug_line;  /* line of memblock.c for MBV_ORACLE_KERNEL_BUG */
};

struct mbv_oracle_region {
  uint64_t base, size;
  uint32_t flags;
  int32_t nid;
};

struct mbv_oracle_type_state {
  uint64_t cnt, max, total_size;
  uint64_t array_phys; /* 0 while the static initial array is in use */
  uint64_t init_max;   /* the static array size the type started with */
};

/* One range of an iterator walk (for PFN walks: start_pfn, end_pfn). */
struct mbv_oracle_range {
  uint64_t start, end;
  int32_t nid;
  int32_t reserved0;
};

/* Iterator walks: __for_each_mem_range(_rev) over type_a minus type_b
 * (type_b < 0: none), and for_each_mem_pfn_range. */
enum mbv_oracle_walk_kind {
  MBV_ORACLE_WALK_RANGES = 0,
  MBV_ORACLE_WALK_RANGES_REV = 1,
  MBV_ORACLE_WALK_PFN = 2
};

struct mbv_oracle_globals {
  uint8_t bottom_up, can_resize, movable_node, mirrored_kernelcore,
      system_has_some_mirror;
  uint64_t current_limit;
};

#endif /* MBV_ORACLE_ABI_H */
