/* Array interface to the extracted e820__update_table (see kernel_shim.h). */
#include "kernel_shim.h"

static struct e820_table oracle_table;

uint32_t kernel_e820_capacity(void) { return E820_MAX_ENTRIES; }

int kernel_e820_update_table(uint64_t *addr, uint64_t *size, uint32_t *type, uint32_t *n) {
  if (*n > E820_MAX_ENTRIES) abort();
  oracle_table.nr_entries = *n;
  for (uint32_t i = 0; i < *n; i++) {
    oracle_table.entries[i].addr = addr[i];
    oracle_table.entries[i].size = size[i];
    oracle_table.entries[i].type = (enum e820_type)type[i];
  }
  const int rc = e820__update_table(&oracle_table);
  *n = oracle_table.nr_entries;
  for (uint32_t i = 0; i < *n; i++) {
    addr[i] = oracle_table.entries[i].addr;
    size[i] = oracle_table.entries[i].size;
    type[i] = (uint32_t)oracle_table.entries[i].type;
  }
  return rc;
}
