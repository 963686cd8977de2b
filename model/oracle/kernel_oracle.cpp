#include "model/oracle/kernel_oracle.h"

#include <dlfcn.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/oracle/runner/oracle_abi.h"

// Set by model/oracle/CMakeLists.txt.
#ifndef MBV_ORACLE_SCRIPT
#error "MBV_ORACLE_SCRIPT must name build-oracle.sh"
#endif
#ifndef MBV_ORACLE_SO
#define MBV_ORACLE_SO ""
#endif
#ifndef MBV_ORACLE_STATUS
#define MBV_ORACLE_STATUS ""
#endif

namespace mbv {

namespace fs = std::filesystem;

struct KernelOracle::Api {
  int (*abi_version)();
  const char* (*tree)();
  int (*acquire)();
  void (*release)();
  void (*reset)();
  int (*apply)(const mbv_oracle_op*, mbv_oracle_result*);
  void (*read_globals)(mbv_oracle_globals*);
  std::uint64_t (*read_type)(std::uint32_t, mbv_oracle_type_state*, mbv_oracle_region*,
                             std::uint64_t);
  std::uint64_t (*walk)(std::uint32_t, std::uint32_t, std::int32_t, std::int32_t, std::uint32_t,
                        mbv_oracle_range*, std::uint64_t);
  std::vector<mbv_oracle_region> buf;  // scratch for read_type
  std::vector<mbv_oracle_range> ranges;  // scratch for walk
};

namespace {

std::string last_nonempty_line(const std::string& text) {
  std::istringstream in(text);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// FNV-1a: a stable cache-folder name per tree path.
std::string path_hash(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string default_cache_dir() {
  if (const char* c = std::getenv("MBV_ORACLE_CACHE"); c && *c) return c;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
    return std::string(x) + "/mbverify/oracle";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/mbverify/oracle";
  return "/tmp/mbverify-oracle";
}

std::uint32_t abi_kind(OpKind k) {
  switch (k) {
    case OpKind::AllowResize: return MBV_ORACLE_ALLOW_RESIZE;
    case OpKind::SetBottomUp: return MBV_ORACLE_SET_BOTTOM_UP;
    case OpKind::SetCurrentLimit: return MBV_ORACLE_SET_CURRENT_LIMIT;
    case OpKind::SetMovableNode: return MBV_ORACLE_SET_MOVABLE_NODE;
    case OpKind::SetMirroredKernelcore: return MBV_ORACLE_SET_MIRRORED_KERNELCORE;
    case OpKind::Add: return MBV_ORACLE_ADD;
    case OpKind::AddNode: return MBV_ORACLE_ADD_NODE;
    case OpKind::Remove: return MBV_ORACLE_REMOVE;
    case OpKind::Reserve: return MBV_ORACLE_RESERVE;
    case OpKind::PhysFree: return MBV_ORACLE_PHYS_FREE;
    case OpKind::MarkHotplug: return MBV_ORACLE_MARK_HOTPLUG;
    case OpKind::ClearHotplug: return MBV_ORACLE_CLEAR_HOTPLUG;
    case OpKind::MarkMirror: return MBV_ORACLE_MARK_MIRROR;
    case OpKind::MarkNomap: return MBV_ORACLE_MARK_NOMAP;
    case OpKind::ClearNomap: return MBV_ORACLE_CLEAR_NOMAP;
    case OpKind::SetNode: return MBV_ORACLE_SET_NODE;
    case OpKind::TrimMemory: return MBV_ORACLE_TRIM_MEMORY;
    case OpKind::CapMemoryRange: return MBV_ORACLE_CAP_MEMORY_RANGE;
    case OpKind::MemLimitRemoveMap: return MBV_ORACLE_MEM_LIMIT_REMOVE_MAP;
    case OpKind::EnforceMemoryLimit: return MBV_ORACLE_ENFORCE_MEMORY_LIMIT;
    case OpKind::PhysAllocRange: return MBV_ORACLE_PHYS_ALLOC_RANGE;
    case OpKind::PhysAllocTryNid: return MBV_ORACLE_PHYS_ALLOC_TRY_NID;
    case OpKind::AllocTryNid: return MBV_ORACLE_ALLOC_TRY_NID;
    case OpKind::AllocTryNidRaw: return MBV_ORACLE_ALLOC_TRY_NID_RAW;
    case OpKind::AllocExactNidRaw: return MBV_ORACLE_ALLOC_EXACT_NID_RAW;
    case OpKind::AllocLow: return MBV_ORACLE_ALLOC_LOW;
    case OpKind::IsRegionReserved: return MBV_ORACLE_IS_REGION_RESERVED;
    case OpKind::IsRegionMemory: return MBV_ORACLE_IS_REGION_MEMORY;
    case OpKind::SearchPfnNid: return MBV_ORACLE_SEARCH_PFN_NID;
    case OpKind::FindInRange: return MBV_ORACLE_FIND_IN_RANGE;
    case OpKind::InitRegions: return MBV_ORACLE_INIT_REGIONS;
  }
  MB_CHECK(false, "abi_kind: OpKind out of range");
  return 0;
}

}  // namespace

Result<std::string> default_oracle_path() {
  // MBV_ORACLE_SO in the environment overrides the build tree's oracle (for
  // binaries that run elsewhere, e.g. a packaged fuzzer).
  if (const char* env = std::getenv("MBV_ORACLE_SO"); env && *env) {
    if (fs::exists(env)) return std::string(env);
    return make_error(ErrorCode::NotFound,
                      std::string("kernel oracle unavailable: MBV_ORACLE_SO '") + env + "' does not exist");
  }
  const std::string so = MBV_ORACLE_SO;
  if (!so.empty() && fs::exists(so)) return so;
  std::string why = "the kernel oracle was not configured in this build";
  if (std::string status = MBV_ORACLE_STATUS; !status.empty()) {
    std::ifstream in(status);
    std::stringstream ss;
    ss << in.rdbuf();
    if (auto line = last_nonempty_line(ss.str()); !line.empty()) why = line;
    else if (!so.empty()) why = "the kernel oracle has not been built yet (" + so + ")";
  }
  return make_error(ErrorCode::NotFound, "kernel oracle unavailable: " + why);
}

Result<std::string> build_oracle(const std::string& kernel_src, const std::string& cache_dir) {
  std::error_code ec;
  if (kernel_src.empty() || !fs::exists(kernel_src, ec))
    return make_error(ErrorCode::NotFound, "kernel source '" + kernel_src + "' does not exist");
  const std::string abs = fs::absolute(kernel_src, ec).lexically_normal().string();
  const std::string out =
      (cache_dir.empty() ? default_cache_dir() : cache_dir) + "/" + path_hash(abs);
  const std::string cmd = "MBV_ORACLE_QUIET=1 sh " + shell_quote(MBV_ORACLE_SCRIPT) + " " +
                          shell_quote(abs) + " " + shell_quote(out) + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return make_error(ErrorCode::BuildFailed, "cannot run " + std::string(MBV_ORACLE_SCRIPT));
  std::string text;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) text.append(buf, n);
  const int status = pclose(p);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::string line = last_nonempty_line(text);
  if (code == 0) return line;
  if (line.rfind("mbv-oracle: ", 0) == 0) line = line.substr(12);
  return make_error(code == 3 ? ErrorCode::NotFound : ErrorCode::BuildFailed, line);
}

KernelOracle::KernelOracle() : api_(std::make_unique<Api>()) {}

Result<KernelOracle> KernelOracle::load(const std::string& so_path) {
  void* h = dlopen(so_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) return make_error(ErrorCode::NotFound, std::string("cannot load kernel oracle: ") + dlerror());
  KernelOracle o;
  o.handle_ = h;
  o.path_ = so_path;
  Api& a = *o.api_;
  bool ok = true;
  auto sym = [&](auto& fn, const char* name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(h, name));
    ok = ok && fn != nullptr;
  };
  sym(a.abi_version, "mbv_oracle_abi_version");
  sym(a.tree, "mbv_oracle_tree");
  sym(a.acquire, "mbv_oracle_acquire");
  sym(a.release, "mbv_oracle_release");
  sym(a.reset, "mbv_oracle_reset");
  sym(a.apply, "mbv_oracle_apply");
  sym(a.read_globals, "mbv_oracle_read_globals");
  sym(a.read_type, "mbv_oracle_read_type");
  sym(a.walk, "mbv_oracle_walk");
  if (!ok || a.abi_version() != MBV_ORACLE_ABI_VERSION) {
    dlclose(h);
    o.handle_ = nullptr;
    return make_error(ErrorCode::BadInput,
                      so_path + ": not a kernel oracle of this mbverify (rebuild it)");
  }
  if (a.acquire() != 0) {
    dlclose(h);
    o.handle_ = nullptr;
    return make_error(ErrorCode::Internal, so_path + ": this oracle is already in use in this process");
  }
  o.tree_ = a.tree();
  a.reset();
  return o;
}

KernelOracle::KernelOracle(KernelOracle&& other) noexcept
    : handle_(other.handle_), api_(std::move(other.api_)), tree_(std::move(other.tree_)),
      path_(std::move(other.path_)) {
  other.handle_ = nullptr;
}

KernelOracle& KernelOracle::operator=(KernelOracle&& other) noexcept {
  if (this != &other) {
    close();
    handle_ = other.handle_;
    api_ = std::move(other.api_);
    tree_ = std::move(other.tree_);
    path_ = std::move(other.path_);
    other.handle_ = nullptr;
  }
  return *this;
}

KernelOracle::~KernelOracle() { close(); }

void KernelOracle::close() {
  if (!handle_) return;
  api_->reset();  // frees the host buffers of doubled arrays
  api_->release();
  dlclose(handle_);
  handle_ = nullptr;
}

void KernelOracle::reset() { api_->reset(); }

OracleOutcome KernelOracle::apply(const Op& op) {
  mbv_oracle_op in{};
  in.kind = abi_kind(op.kind);
  in.nid = op.nid;
  in.flags = op.flags;
  in.type = op.type == MemblockTypeId::Reserved ? MBV_ORACLE_RESERVED : MBV_ORACLE_MEMORY;
  in.a = op.a;
  in.b = op.b;
  in.c = op.c;
  in.d = op.d;
  mbv_oracle_result r{};
  const int status = api_->apply(&in, &r);
  MB_CHECK(status != MBV_ORACLE_UNKNOWN_OP, "kernel oracle: runner does not know this op");
  OracleOutcome out;
  out.result.value = r.value;
  out.kernel_bug = status == MBV_ORACLE_KERNEL_BUG;
  out.bug_line = r.bug_line;
  out.start_pfn = r.aux0;
  out.end_pfn = r.aux1;
  return out;
}

void KernelOracle::snapshot(Memblock& out) const {
  mbv_oracle_globals g{};
  api_->read_globals(&g);
  out.bottom_up = g.bottom_up;
  out.current_limit = g.current_limit;
  out.can_resize = g.can_resize;
  out.movable_node = g.movable_node;
  out.mirrored_kernelcore = g.mirrored_kernelcore;
  out.system_has_some_mirror = g.system_has_some_mirror;
  for (MemblockTypeId t : {MemblockTypeId::Memory, MemblockTypeId::Reserved}) {
    const std::uint32_t which = t == MemblockTypeId::Memory ? MBV_ORACLE_MEMORY : MBV_ORACLE_RESERVED;
    mbv_oracle_type_state s{};
    std::uint64_t cnt = api_->read_type(which, &s, api_->buf.data(), api_->buf.size());
    if (cnt > api_->buf.size()) {
      api_->buf.resize(cnt * 2);
      cnt = api_->read_type(which, &s, api_->buf.data(), api_->buf.size());
    }
    MemblockType& ty = out.type(t);
    ty.regions.resize(cnt);
    for (std::uint64_t i = 0; i < cnt; ++i) {
      const mbv_oracle_region& r = api_->buf[i];
      ty.regions[i] = MemblockRegion{r.base, r.size, r.flags, r.nid};
    }
    ty.max = s.max;
    ty.init_max = s.init_max;
    ty.total_size = s.total_size;
    ty.array_phys = s.array_phys;
    ty.name = type_name(t);
  }
}

namespace {
std::uint32_t abi_type(MemblockTypeId t) {
  return t == MemblockTypeId::Reserved ? MBV_ORACLE_RESERVED : MBV_ORACLE_MEMORY;
}
}  // namespace

std::vector<MemRange> KernelOracle::walk_mem_ranges(MemblockTypeId a, std::optional<MemblockTypeId> b,
                                                    int nid, std::uint32_t flags, bool reverse) const {
  const std::uint32_t how = reverse ? MBV_ORACLE_WALK_RANGES_REV : MBV_ORACLE_WALK_RANGES;
  const std::int32_t tb = b ? static_cast<std::int32_t>(abi_type(*b)) : -1;
  auto& buf = api_->ranges;
  std::uint64_t n = api_->walk(how, abi_type(a), tb, nid, flags, buf.data(), buf.size());
  if (n > buf.size()) {
    buf.resize(n * 2);
    n = api_->walk(how, abi_type(a), tb, nid, flags, buf.data(), buf.size());
  }
  std::vector<MemRange> out(n);
  for (std::uint64_t i = 0; i < n; ++i) out[i] = MemRange{buf[i].start, buf[i].end, buf[i].nid};
  return out;
}

std::vector<PfnRange> KernelOracle::mem_pfn_ranges(int nid) const {
  auto& buf = api_->ranges;
  std::uint64_t n = api_->walk(MBV_ORACLE_WALK_PFN, 0, -1, nid, 0, buf.data(), buf.size());
  if (n > buf.size()) {
    buf.resize(n * 2);
    n = api_->walk(MBV_ORACLE_WALK_PFN, 0, -1, nid, 0, buf.data(), buf.size());
  }
  std::vector<PfnRange> out(n);
  for (std::uint64_t i = 0; i < n; ++i) out[i] = PfnRange{buf[i].start, buf[i].end, buf[i].nid};
  return out;
}

Memblock KernelOracle::snapshot() const {
  Memblock m;
  snapshot(m);
  return m;
}

}  // namespace mbv
