// The kernel oracle: the real mm/memblock.c of a kernel tree, compiled in user
// space with that tree's tools/testing/memblock shims plus our trace runner
// (model/oracle/runner/) into a shared object, loaded here with dlopen.
//
// build-oracle.sh makes the shared object; CMake builds one for the default
// tree (the linux-source-6.1 tarball, or KERNEL_SRC) at build time, and
// build_oracle() makes one for any other tree at run time (cached per tree),
// so one mbverify binary can check any tree.
//
// The kernel keeps memblock in globals, so a loaded oracle is one machine:
// only one KernelOracle per shared object may be alive in a process.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "impl/common/result.h"
#include "impl/memblock/memblock.h"
#include "impl/memblock/op.h"

namespace mbv {

// What one operation did on the oracle.
struct OracleOutcome {
  OpResult result;
  bool kernel_bug = false;  // the kernel hit BUG()/BUG_ON(); reset before reuse
  int bug_line = 0;         // its line in mm/memblock.c
  std::uint64_t start_pfn = 0, end_pfn = 0;  // memblock_search_pfn_nid's outputs
};

// Path of the oracle that CMake built for this build tree (the default tree),
// or an error saying why there is none (tarball missing, build failed, ...).
// The environment variable MBV_ORACLE_SO, when set, names another one.
Result<std::string> default_oracle_path();

// Builds (or reuses from the cache) the oracle of a kernel tree or tarball and
// returns the shared object's path. cache_dir "" = $MBV_ORACLE_CACHE, else
// $XDG_CACHE_HOME/mbverify/oracle, else ~/.cache/mbverify/oracle.
// Errors: NotFound (no such tree / not a kernel tree), BuildFailed.
Result<std::string> build_oracle(const std::string& kernel_src, const std::string& cache_dir = "");

class KernelOracle {
 public:
  // Loads a shared object made by build-oracle.sh and resets it.
  static Result<KernelOracle> load(const std::string& so_path);

  KernelOracle(KernelOracle&& other) noexcept;
  KernelOracle& operator=(KernelOracle&& other) noexcept;
  KernelOracle(const KernelOracle&) = delete;
  KernelOracle& operator=(const KernelOracle&) = delete;
  ~KernelOracle();

  // Every memblock global back to its boot value (static arrays, cnt 1,
  // max INIT_MEMBLOCK_REGIONS, limits, resize/mirror/movable_node off).
  void reset();

  // Runs one Op on the kernel (same meaning and return value as apply_op).
  OracleOutcome apply(const Op& op);

  // The kernel's whole state as a Memblock value (regions, cnt, max,
  // total_size, array placement, bottom_up, current_limit, switches), so it
  // compares with the model by operator== and prints with Memblock::dump().
  void snapshot(Memblock& out) const;
  Memblock snapshot() const;

  // __for_each_mem_range(_rev): a minus b (b absent: a alone), as
  // Memblock::walk_mem_ranges; nid MAX_NUMNODES warns and means any node.
  std::vector<MemRange> walk_mem_ranges(MemblockTypeId a, std::optional<MemblockTypeId> b, int nid,
                                        std::uint32_t flags, bool reverse) const;
  // for_each_mem_pfn_range (nid MAX_NUMNODES: all nodes), as Memblock::mem_pfn_ranges.
  std::vector<PfnRange> mem_pfn_ranges(int nid) const;

  // The kernel tree the shared object was built from (as given to the script).
  const std::string& tree() const { return tree_; }
  const std::string& path() const { return path_; }

 private:
  struct Api;
  KernelOracle();
  void close();
  void* handle_ = nullptr;
  std::unique_ptr<Api> api_;
  std::string tree_;
  std::string path_;
};

}  // namespace mbv
