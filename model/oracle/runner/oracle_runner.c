/*
 * Kernel-oracle trace runner (our own code, no kernel code in this file).
 *
 * build-oracle.sh compiles this file inside a staged copy of a kernel tree's
 * tools/testing/memblock, where "memblock.c" is that tree's mm/memblock.c.
 * The runner #includes it so that one translation unit holds both: the
 * kernel's file-static globals (memblock_can_resize, system_has_some_mirror,
 * the static region arrays, ...) are then reachable for a complete reset
 * between traces, and the few kernel hooks we must redirect are macros we
 * can override before the kernel file is read:
 *
 *   __va(phys)          memblock_double_array: the new region array. Each
 *                       call gets its own host buffer, remembered with its
 *                       physical address (__pa maps it back), so doubling
 *                       works for ANY physical address a trace uses.
 *   phys_to_virt(phys)  memblock_alloc_internal: returns a sink pointer and
 *                       records the physical address; the runner reports it.
 *   memset              the zeroing in memblock_alloc_try_nid targets the
 *                       sink and is dropped: memory contents are not modelled
 *                       (the reference model does not model them either).
 *   BUG_ON / BUG        longjmp back to mbv_oracle_apply, reported as
 *                       MBV_ORACLE_KERNEL_BUG with the memblock.c line.
 *   printk / WARN       silenced: the shims print to stdout/stderr, which
 *                       would flood a million-trace run.
 *   SMP_CACHE_BYTES     64 as on x86-64 (the simulator's shim says 32).
 *
 * The kernel's memblock is global state, so one process can drive one trace
 * at a time per loaded oracle: mbv_oracle_acquire() enforces that.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/memblock.h>
#include "internal.h"

#include "oracle_abi.h"

#define MBV_API __attribute__((visibility("default")))

#ifndef MBV_ORACLE_TREE
#define MBV_ORACLE_TREE "unknown kernel tree"
#endif

/* Declared extern by the simulator's linux/memory_hotplug.h shim. */
bool movable_node_enabled;

static phys_addr_t mbv_oracle_va_phys(const void *ptr);
static void *mbv_oracle_va(phys_addr_t phys);
static void *mbv_oracle_phys_to_virt(phys_addr_t phys);
static void *mbv_oracle_memset(void *p, int c, size_t n);
static void mbv_oracle_bug(int line) __attribute__((noreturn));
static int mbv_oracle_printk(const char *fmt, ...) { (void)fmt; return 0; }

#undef __va
#define __va(x) mbv_oracle_va((phys_addr_t)(x))
#undef __pa
#define __pa(x) mbv_oracle_va_phys((const void *)(x))
#undef phys_to_virt
#define phys_to_virt(x) mbv_oracle_phys_to_virt((phys_addr_t)(x))
#undef memset
#define memset(p, c, n) mbv_oracle_memset((p), (c), (n))
#undef BUG_ON
#define BUG_ON(cond) do { if (cond) mbv_oracle_bug(__LINE__); } while (0)
#undef BUG
#define BUG() mbv_oracle_bug(__LINE__)
#undef printk
#define printk(...) mbv_oracle_printk(__VA_ARGS__)
#undef pr_warn_ratelimited
#define pr_warn_ratelimited(...) mbv_oracle_printk(__VA_ARGS__)
#undef __WARN_printf
#define __WARN_printf(...) ((void)0)
/* x86-64 has 64-byte cache lines (CONFIG_X86_L1_CACHE_SHIFT=6); the
 * simulator's tools/include/linux/cache.h says 32. memblock_alloc_range_nid
 * uses SMP_CACHE_BYTES as the alignment when a caller passes 0. */
#undef SMP_CACHE_BYTES
#define SMP_CACHE_BYTES 64

#include "memblock.c"

/* ---- host buffers standing in for doubled region arrays ---- */

struct mbv_array_buf {
  phys_addr_t phys;
  void *host;
};

/* A trace of N operations doubles each array at most log2(N) times; 64
 * buffers cover any trace that fits in memory. */
#define MBV_MAX_ARRAY_BUFS 64
static struct mbv_array_buf mbv_bufs[MBV_MAX_ARRAY_BUFS];
static int mbv_nbufs;
static unsigned char mbv_alloc_sink;
static phys_addr_t mbv_last_alloc_phys;
static jmp_buf mbv_bug_env;
static int mbv_in_apply;
static int mbv_acquired;

static void mbv_oracle_fatal(const char *what)
{
  fprintf(stderr, "mbv-oracle: internal error: %s\n", what);
  abort();
}

static void *mbv_oracle_va(phys_addr_t phys)
{
  /* Only memblock_double_array calls __va: size the buffer for the larger
   * of the two arrays after doubling (the kernel rounds to pages too). */
  unsigned long max = memblock.memory.max > memblock.reserved.max
                          ? memblock.memory.max : memblock.reserved.max;
  size_t bytes = PAGE_ALIGN(2 * max * sizeof(struct memblock_region));
  void *host;

  if (mbv_nbufs == MBV_MAX_ARRAY_BUFS)
    mbv_oracle_fatal("too many region-array doublings in one trace");
  host = calloc(1, bytes);
  if (!host)
    mbv_oracle_fatal("out of host memory for a region array");
  mbv_bufs[mbv_nbufs].phys = phys;
  mbv_bufs[mbv_nbufs].host = host;
  mbv_nbufs++;
  return host;
}

static phys_addr_t mbv_oracle_va_phys(const void *ptr)
{
  int i;

  for (i = 0; i < mbv_nbufs; i++)
    if (mbv_bufs[i].host == ptr)
      return mbv_bufs[i].phys;
  if (ptr == &mbv_alloc_sink)
    return mbv_last_alloc_phys;
  mbv_oracle_fatal("__pa of a pointer the oracle never handed out");
  return 0;
}

static void *mbv_oracle_phys_to_virt(phys_addr_t phys)
{
  mbv_last_alloc_phys = phys;
  return &mbv_alloc_sink;
}

static void *mbv_oracle_memset(void *p, int c, size_t n)
{
  if (p == &mbv_alloc_sink)
    return p;
  return (memset)(p, c, n);
}

static void mbv_oracle_bug(int line)
{
  if (!mbv_in_apply)
    mbv_oracle_fatal("kernel BUG outside an operation");
  longjmp(mbv_bug_env, line);
}

/* ---- the C interface (oracle_abi.h) ---- */

MBV_API int mbv_oracle_abi_version(void) { return MBV_ORACLE_ABI_VERSION; }

MBV_API const char *mbv_oracle_tree(void) { return MBV_ORACLE_TREE; }

MBV_API int mbv_oracle_acquire(void)
{
  if (mbv_acquired)
    return -1;
  mbv_acquired = 1;
  return 0;
}

MBV_API void mbv_oracle_release(void) { mbv_acquired = 0; }

/*
 * The static array sizes in use: INIT_MEMBLOCK_*_REGIONS unless a trace chose
 * smaller ones (MBV_ORACLE_INIT_REGIONS). The arrays themselves keep their
 * compiled size; memblock.c reads the size only through type->max and tells
 * the static arrays apart by address, so a smaller max behaves as a build
 * with that INIT_MEMBLOCK_*_REGIONS.
 */
static uint64_t mbv_init_max[2] = {INIT_MEMBLOCK_MEMORY_REGIONS, INIT_MEMBLOCK_RESERVED_REGIONS};

static int mbv_type_pristine(const struct memblock_type *t, const struct memblock_region *init)
{
  return t->regions == init && t->cnt == 1 && t->regions[0].size == 0;
}

/* The sizes are taken only before any region exists; -EINVAL otherwise. */
static int64_t mbv_init_regions(uint64_t memory_max, uint64_t reserved_max)
{
  if (memory_max < 1 || memory_max > INIT_MEMBLOCK_MEMORY_REGIONS || reserved_max < 1 ||
      reserved_max > INIT_MEMBLOCK_RESERVED_REGIONS ||
      !mbv_type_pristine(&memblock.memory, memblock_memory_init_regions) ||
      !mbv_type_pristine(&memblock.reserved, memblock_reserved_init_regions))
    return -EINVAL;
  memblock.memory.max = memory_max;
  memblock.reserved.max = reserved_max;
  mbv_init_max[MBV_ORACLE_MEMORY] = memory_max;
  mbv_init_max[MBV_ORACLE_RESERVED] = reserved_max;
  return 0;
}

/* Put every global memblock.c reads back to its boot-time value. */
MBV_API void mbv_oracle_reset(void)
{
  int i;

  for (i = 0; i < mbv_nbufs; i++)
    free(mbv_bufs[i].host);
  mbv_nbufs = 0;

  (memset)(memblock_memory_init_regions, 0, sizeof(memblock_memory_init_regions));
  (memset)(memblock_reserved_init_regions, 0, sizeof(memblock_reserved_init_regions));
  mbv_init_max[MBV_ORACLE_MEMORY] = INIT_MEMBLOCK_MEMORY_REGIONS;
  mbv_init_max[MBV_ORACLE_RESERVED] = INIT_MEMBLOCK_RESERVED_REGIONS;
  memblock.memory.regions = memblock_memory_init_regions;
  memblock.memory.cnt = 1;
  memblock.memory.max = INIT_MEMBLOCK_MEMORY_REGIONS;
  memblock.memory.total_size = 0;
  memblock.reserved.regions = memblock_reserved_init_regions;
  memblock.reserved.cnt = 1;
  memblock.reserved.max = INIT_MEMBLOCK_RESERVED_REGIONS;
  memblock.reserved.total_size = 0;
  memblock.bottom_up = false;
  memblock.current_limit = MEMBLOCK_ALLOC_ANYWHERE;
  memblock_memory = &memblock.memory;

  memblock_debug = 0;
  system_has_some_mirror = false;
  memblock_can_resize = 0;
  memblock_memory_in_slab = 0;
  memblock_reserved_in_slab = 0;
  mirrored_kernelcore = false;
  movable_node_enabled = false;
  mbv_last_alloc_phys = 0;
}

static int64_t mbv_ptr_result(void *p)
{
  return p ? (int64_t)mbv_last_alloc_phys : 0;
}

static int mbv_run(const struct mbv_oracle_op *op, struct mbv_oracle_result *r)
{
  struct memblock_type *t =
      op->type == MBV_ORACLE_RESERVED ? &memblock.reserved : &memblock.memory;
  unsigned long spfn = 0, epfn = 0;

  switch (op->kind) {
  case MBV_ORACLE_ALLOW_RESIZE: memblock_allow_resize(); return 0;
  case MBV_ORACLE_SET_BOTTOM_UP: memblock_set_bottom_up(op->a != 0); return 0;
  case MBV_ORACLE_SET_CURRENT_LIMIT: memblock_set_current_limit(op->a); return 0;
  case MBV_ORACLE_SET_MOVABLE_NODE: movable_node_enabled = op->a != 0; return 0;
  case MBV_ORACLE_SET_MIRRORED_KERNELCORE: mirrored_kernelcore = op->a != 0; return 0;
  case MBV_ORACLE_INIT_REGIONS: r->value = mbv_init_regions(op->a, op->b); return 0;
  case MBV_ORACLE_ADD: r->value = memblock_add(op->a, op->b); return 0;
  case MBV_ORACLE_ADD_NODE:
    r->value = memblock_add_node(op->a, op->b, op->nid, (enum memblock_flags)op->flags);
    return 0;
  case MBV_ORACLE_REMOVE: r->value = memblock_remove(op->a, op->b); return 0;
  case MBV_ORACLE_RESERVE: r->value = memblock_reserve(op->a, op->b); return 0;
  case MBV_ORACLE_PHYS_FREE: r->value = memblock_phys_free(op->a, op->b); return 0;
  case MBV_ORACLE_MARK_HOTPLUG: r->value = memblock_mark_hotplug(op->a, op->b); return 0;
  case MBV_ORACLE_CLEAR_HOTPLUG: r->value = memblock_clear_hotplug(op->a, op->b); return 0;
  case MBV_ORACLE_MARK_MIRROR: r->value = memblock_mark_mirror(op->a, op->b); return 0;
  case MBV_ORACLE_MARK_NOMAP: r->value = memblock_mark_nomap(op->a, op->b); return 0;
  case MBV_ORACLE_CLEAR_NOMAP: r->value = memblock_clear_nomap(op->a, op->b); return 0;
  case MBV_ORACLE_SET_NODE: r->value = memblock_set_node(op->a, op->b, t, op->nid); return 0;
  case MBV_ORACLE_TRIM_MEMORY: memblock_trim_memory(op->a); return 0;
  case MBV_ORACLE_CAP_MEMORY_RANGE: memblock_cap_memory_range(op->a, op->b); return 0;
  case MBV_ORACLE_MEM_LIMIT_REMOVE_MAP: memblock_mem_limit_remove_map(op->a); return 0;
  case MBV_ORACLE_ENFORCE_MEMORY_LIMIT: memblock_enforce_memory_limit(op->a); return 0;
  case MBV_ORACLE_PHYS_ALLOC_RANGE:
    r->value = (int64_t)memblock_phys_alloc_range(op->a, op->b, op->c, op->d);
    return 0;
  case MBV_ORACLE_PHYS_ALLOC_TRY_NID:
    r->value = (int64_t)memblock_phys_alloc_try_nid(op->a, op->b, op->nid);
    return 0;
  case MBV_ORACLE_ALLOC_TRY_NID:
    r->value = mbv_ptr_result(memblock_alloc_try_nid(op->a, op->b, op->c, op->d, op->nid));
    return 0;
  case MBV_ORACLE_ALLOC_TRY_NID_RAW:
    r->value = mbv_ptr_result(memblock_alloc_try_nid_raw(op->a, op->b, op->c, op->d, op->nid));
    return 0;
  case MBV_ORACLE_ALLOC_EXACT_NID_RAW:
    r->value = mbv_ptr_result(memblock_alloc_exact_nid_raw(op->a, op->b, op->c, op->d, op->nid));
    return 0;
  case MBV_ORACLE_ALLOC_LOW:
    r->value = mbv_ptr_result(memblock_alloc_low(op->a, op->b));
    return 0;
  case MBV_ORACLE_IS_REGION_RESERVED:
    r->value = memblock_is_region_reserved(op->a, op->b);
    return 0;
  case MBV_ORACLE_IS_REGION_MEMORY:
    r->value = memblock_is_region_memory(op->a, op->b);
    return 0;
  case MBV_ORACLE_SEARCH_PFN_NID:
    /* start/end are written only when found: 0 otherwise, like the model */
    r->value = memblock_search_pfn_nid((unsigned long)op->a, &spfn, &epfn);
    r->aux0 = spfn;
    r->aux1 = epfn;
    return 0;
  case MBV_ORACLE_FIND_IN_RANGE:
    r->value = (int64_t)memblock_find_in_range(op->c, op->d, op->a, op->b);
    return 0;
  }
  return MBV_ORACLE_UNKNOWN_OP;
}

MBV_API int mbv_oracle_apply(const struct mbv_oracle_op *op, struct mbv_oracle_result *r)
{
  int line, status;

  r->value = 0;
  r->aux0 = r->aux1 = 0;
  r->bug_line = 0;
  mbv_in_apply = 1;
  line = setjmp(mbv_bug_env);
  if (line) {
    mbv_in_apply = 0;
    r->bug_line = line;
    return MBV_ORACLE_KERNEL_BUG;
  }
  status = mbv_run(op, r);
  mbv_in_apply = 0;
  return status;
}

MBV_API void mbv_oracle_read_globals(struct mbv_oracle_globals *g)
{
  g->bottom_up = memblock.bottom_up;
  g->can_resize = memblock_can_resize != 0;
  g->movable_node = movable_node_enabled;
  g->mirrored_kernelcore = mirrored_kernelcore;
  g->system_has_some_mirror = system_has_some_mirror;
  g->current_limit = memblock.current_limit;
}

/* An iterator walk; up to `cap` ranges are stored, the count is returned. */
MBV_API uint64_t mbv_oracle_walk(uint32_t how, uint32_t type_a, int32_t type_b, int32_t nid,
                                 uint32_t flags, struct mbv_oracle_range *out, uint64_t cap)
{
  struct memblock_type *a =
      type_a == MBV_ORACLE_RESERVED ? &memblock.reserved : &memblock.memory;
  struct memblock_type *b = type_b < 0 ? NULL
                            : type_b == MBV_ORACLE_RESERVED ? &memblock.reserved
                                                            : &memblock.memory;
  enum memblock_flags f = (enum memblock_flags)flags;
  uint64_t n = 0;
  phys_addr_t start, end;
  unsigned long spfn, epfn;
  int rnid, pi;
  u64 i;

  if (how == MBV_ORACLE_WALK_PFN) {
    for_each_mem_pfn_range(pi, nid, &spfn, &epfn, &rnid) {
      if (n < cap) {
        out[n].start = spfn;
        out[n].end = epfn;
        out[n].nid = rnid;
      }
      n++;
    }
  } else if (how == MBV_ORACLE_WALK_RANGES_REV) {
    __for_each_mem_range_rev(i, a, b, nid, f, &start, &end, &rnid) {
      if (n < cap) {
        out[n].start = start;
        out[n].end = end;
        out[n].nid = rnid;
      }
      n++;
    }
  } else {
    __for_each_mem_range(i, a, b, nid, f, &start, &end, &rnid) {
      if (n < cap) {
        out[n].start = start;
        out[n].end = end;
        out[n].nid = rnid;
      }
      n++;
    }
  }
  return n;
}

/* Header of one type plus up to `cap` regions; returns cnt. */
MBV_API uint64_t mbv_oracle_read_type(uint32_t which, struct mbv_oracle_type_state *s,
                                      struct mbv_oracle_region *out, uint64_t cap)
{
  struct memblock_type *t =
      which == MBV_ORACLE_RESERVED ? &memblock.reserved : &memblock.memory;
  uint64_t i;

  s->cnt = t->cnt;
  s->max = t->max;
  s->total_size = t->total_size;
  s->init_max = mbv_init_max[which == MBV_ORACLE_RESERVED ? MBV_ORACLE_RESERVED : MBV_ORACLE_MEMORY];
  s->array_phys = (t->regions == memblock_memory_init_regions ||
                   t->regions == memblock_reserved_init_regions)
                      ? 0 : mbv_oracle_va_phys(t->regions);
  for (i = 0; i < t->cnt && i < cap; i++) {
    out[i].base = t->regions[i].base;
    out[i].size = t->regions[i].size;
    out[i].flags = (uint32_t)t->regions[i].flags;
    out[i].nid = memblock_get_region_node(&t->regions[i]);
  }
  return t->cnt;
}
