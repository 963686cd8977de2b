/* Just enough of the kernel's vocabulary to compile pieces of Linux 6.1 in
 * user space for the inputs-layer oracle (see extract_kernel_e820.cmake):
 * ctype, integer parsing, memparse/next_arg, lib/sort.c, and the e820 table
 * edits, sanitizer and mem=/memmap= handlers of arch/x86/kernel/e820.c.
 * Both are extracted from the kernel tarball at build time; nothing of the
 * kernel is kept in this repository. MAX_NUMNODES is small so that truncation
 * at E820_MAX_ENTRIES is reachable by tests. */
#ifndef MBV_KERNEL_SHIM_H
#define MBV_KERNEL_SHIM_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef uint32_t __u32;

typedef void (*swap_r_func_t)(void *a, void *b, int size, const void *priv);
typedef void (*swap_func_t)(void *a, void *b, int size);
typedef int (*cmp_r_func_t)(const void *a, const void *b, const void *priv);
typedef int (*cmp_func_t)(const void *a, const void *b);

void sort(void *base, size_t num, size_t size, cmp_func_t cmp_func, swap_func_t swap_func);
void sort_r(void *base, size_t num, size_t size, cmp_r_func_t cmp_func, swap_r_func_t swap_func,
            const void *priv);

#define CONFIG_64BIT 1
#define IS_ENABLED(option) (option)
#undef __attribute_const__
#undef __always_inline
#undef ULLONG_MAX
#define __attribute_const__ __attribute__((__const__))
#define __always_inline inline __attribute__((__always_inline__))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define EXPORT_SYMBOL(sym)
#define __init
#define __initdata
#define noinline __attribute__((__noinline__))
#define fallthrough __attribute__((__fallthrough__))
#define early_param(name, fn)
#define KSTRTOX_OVERFLOW (1U << 31)
#define SZ_128M 0x08000000
#define roundup(x, y) ((((x) + ((y) - 1)) / (y)) * (y))
static inline u64 div_u64(u64 dividend, u32 divisor) { return dividend / divisor; }
/* CONFIG_MEMORY_HOTPLUG is on in Debian's config: parse_memopt sets it. */
#define CONFIG_MEMORY_HOTPLUG 1
u64 max_mem_size;
/* early_panic() does not return in the kernel; the oracle records it. */
extern int oracle_panicked;
#define early_panic(msg) (oracle_panicked = 1)
#define BUG_ON(cond) do { if (cond) abort(); } while (0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ULLONG_MAX (~0ULL)
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min(a, b) ((a) < (b) ? (a) : (b))
/* The oracle prints nothing. */
#define KERN_DEBUG ""
#define printk(...) ((void)0)
#define pr_info(...) ((void)0)
#define pr_cont(...) ((void)0)
#define pr_err(...) ((void)0)
#define pr_warn(...) ((void)0)

#define MBV_ORACLE_MAX_NUMNODES 4
#define E820_MAX_ENTRIES_ZEROPAGE 128
#define E820_MAX_ENTRIES (E820_MAX_ENTRIES_ZEROPAGE + 3 * MBV_ORACLE_MAX_NUMNODES)

enum e820_type {
  E820_TYPE_RAM = 1,
  E820_TYPE_RESERVED = 2,
  E820_TYPE_ACPI = 3,
  E820_TYPE_NVS = 4,
  E820_TYPE_UNUSABLE = 5,
  E820_TYPE_PMEM = 7,
  E820_TYPE_PRAM = 12,
  E820_TYPE_SOFT_RESERVED = 0xefffffff,
  E820_TYPE_RESERVED_KERN = 128,
};

struct e820_entry {
  u64 addr;
  u64 size;
  enum e820_type type;
} __attribute__((packed));

struct e820_table {
  __u32 nr_entries;
  struct e820_entry entries[E820_MAX_ENTRIES];
};

struct boot_e820_entry {
  u64 addr;
  u64 size;
  u32 type;
} __attribute__((packed));

extern struct e820_table *e820_table;
extern struct e820_table *e820_table_kexec;

/* arch/x86/boot: the real-mode accessors read the oracle's command line. */
typedef unsigned int addr_t;
extern const char *oracle_boot_cmdline;
#define set_fs(seg) ((void)(seg))
static inline u8 rdfs8(addr_t addr) { return (u8)oracle_boot_cmdline[addr]; }

#endif
