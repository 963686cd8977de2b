/* Array interface to the extracted Linux 6.1 e820 table code. This file is
 * #included at the end of the generated kernel_e820_extracted.c so that it
 * can reach the kernel's static functions (append_e820_table). */

static struct e820_table oracle_table;
static struct e820_table oracle_table_kexec;
struct e820_table *e820_table = &oracle_table;
struct e820_table *e820_table_kexec = &oracle_table_kexec;

uint32_t kernel_e820_capacity(void) { return E820_MAX_ENTRIES; }

void kernel_e820_load(const uint64_t *addr, const uint64_t *size, const uint32_t *type, uint32_t n) {
  if (n > E820_MAX_ENTRIES) abort();
  e820_table->nr_entries = n;
  for (uint32_t i = 0; i < n; i++) {
    e820_table->entries[i].addr = addr[i];
    e820_table->entries[i].size = size[i];
    e820_table->entries[i].type = (enum e820_type)type[i];
  }
}

uint32_t kernel_e820_store(uint64_t *addr, uint64_t *size, uint32_t *type) {
  for (uint32_t i = 0; i < e820_table->nr_entries; i++) {
    addr[i] = e820_table->entries[i].addr;
    size[i] = e820_table->entries[i].size;
    type[i] = (uint32_t)e820_table->entries[i].type;
  }
  return e820_table->nr_entries;
}

int kernel_e820_update_table(void) { return e820__update_table(e820_table); }

void kernel_e820_range_add(uint64_t start, uint64_t size, uint32_t type) {
  e820__range_add(start, size, (enum e820_type)type);
}

uint64_t kernel_e820_range_update(uint64_t start, uint64_t size, uint32_t old_type, uint32_t new_type) {
  return e820__range_update(start, size, (enum e820_type)old_type, (enum e820_type)new_type);
}

uint64_t kernel_e820_range_remove(uint64_t start, uint64_t size, uint32_t old_type, int check_type) {
  return e820__range_remove(start, size, (enum e820_type)old_type, check_type != 0);
}

/* append_e820_table over boot_params-style entries: 0 or -1. */
int kernel_e820_append(const uint64_t *addr, const uint64_t *size, const uint32_t *type, uint32_t n) {
  static struct boot_e820_entry boot[E820_MAX_ENTRIES];
  if (n > E820_MAX_ENTRIES) abort();
  for (uint32_t i = 0; i < n; i++) {
    boot[i].addr = addr[i];
    boot[i].size = size[i];
    boot[i].type = type[i];
  }
  return append_e820_table(boot, n);
}

/* ---- command-line side: memparse, next_arg, mem=/memmap= handlers ---- */

int oracle_panicked;

unsigned long long kernel_memparse(const char *s, size_t *consumed) {
  char *end;
  const unsigned long long v = memparse(s, &end);
  *consumed = (size_t)(end - s);
  return v;
}

char *kernel_next_arg(char *args, char **param, char **val) { return next_arg(args, param, val); }
char *kernel_skip_spaces(const char *s) { return skip_spaces(s); }
int kernel_parse_option_str(const char *str, const char *option) { return parse_option_str(str, option); }

void kernel_early_params_reset(void) {
  userdef = 0;
  max_mem_size = 0;
  oracle_panicked = 0;
}
int kernel_parse_memopt(char *p) { return parse_memopt(p); }
int kernel_parse_memmap_opt(char *p) { return parse_memmap_opt(p); }
int kernel_userdef(void) { return userdef; }
uint64_t kernel_max_mem_size(void) { return max_mem_size; }
/* e820__finish_early_params: 1 when the kernel would have panicked. */
int kernel_finish_early_params(void) {
  e820__finish_early_params();
  return oracle_panicked;
}

/* crashkernel= (kernel/crash_core.c) and the decompressor's boolean lookup. */
int kernel_parse_crashkernel(char *cmdline, unsigned long long system_ram, int suffix,
                             unsigned long long *size, unsigned long long *base) {
  *size = 0;
  *base = 0;
  if (suffix == 1) return parse_crashkernel_high(cmdline, system_ram, size, base);
  if (suffix == 2) return parse_crashkernel_low(cmdline, system_ram, size, base);
  return parse_crashkernel(cmdline, system_ram, size, base);
}

int kernel_cmdline_find_option_bool(const char *cmdline, const char *option) {
  return __cmdline_find_option_bool(cmdline, 2048, option);
}

/* The decompressor's variant (arch/x86/boot/cmdline.c), reached through a
 * 16-byte-aligned fake cmd_line_ptr so that the scan starts at offset 0. */
const char *oracle_boot_cmdline;
int kernel_boot_cmdline_find_option_bool(const char *cmdline, const char *option) {
  oracle_boot_cmdline = cmdline;
  return boot__cmdline_find_option_bool(0x10, option);
}
