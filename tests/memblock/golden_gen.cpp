// Regenerates tests/memblock/golden/: picks traces (impl/trace random_trace
// seeds, and dense small-address traces from a fixed seed), runs them on the
// kernel oracle (the real mm/memblock.c) and writes each op's result and the
// final kernel state (golden_format.h). Traces on which the model and the
// kernel disagree, or that reach a kernel BUG, are refused: a golden file
// never encodes a model bug.
// Usage: memblock_golden_gen OUT_DIR   (needs the kernel oracle)
#include <cstdio>
#include <fstream>
#include <random>

#include "impl/trace/trace_gen.h"
#include "model/diff/diff_run.h"
#include "tests/memblock/golden_format.h"

namespace mbv {
namespace {

// Runs the trace on the kernel; false if it reaches a kernel BUG.
bool run_kernel(KernelOracle& k, const OpTrace& tr, std::vector<OpResult>& res, Memblock& out) {
  k.reset();
  res.clear();
  for (const Op& op : tr) {
    const OracleOutcome o = k.apply(op);
    if (o.kernel_bug) return false;
    res.push_back(o.result);
  }
  k.snapshot(out);
  return true;
}

bool model_agrees(const OpTrace& tr, const std::vector<OpResult>& res, const Memblock& st) {
  Memblock model;
  return apply_trace(model, tr) == res && model == st;
}

void write_golden(const std::string& path, const std::string& what, const OpTrace& tr,
                  const std::vector<OpResult>& res, const Memblock& st) {
  std::ofstream f(path);
  f << "# golden trace: " << what << "\n"
    << "# results and final state (read from the kernel arrays, printed as the dump)\n"
    << "# recorded from Linux 6.1 mm/memblock.c by the kernel oracle\n";
  for (std::size_t i = 0; i < tr.size(); i++) {
    char buf[40];
    if (res[i].value < 0)
      std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(res[i].value));
    else
      std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(res[i].value));
    f << to_string(tr[i]) << "  # => " << buf << "\n";
  }
  const std::string state = test::golden_state_text(st);
  for (std::size_t p = 0; p < state.size();) {
    const std::size_t nl = state.find('\n', p);
    f << "#| " << state.substr(p, nl - p) << "\n";
    p = nl + 1;
  }
}

// Dense traces: 40 ops of any kind over 64 pages and the top of the space.
class DenseGen {
 public:
  explicit DenseGen(std::uint64_t seed) : g_(seed) {}
  OpTrace trace() {
    OpTrace tr;
    if (g_() % 2) tr.push_back(Op{OpKind::AllowResize});
    for (int i = 0; i < 40; i++) {
      Op op;
      op.kind = static_cast<OpKind>(g_() % kCallKindCount);
      op.a = addr();
      op.b = size();
      op.c = addr();
      op.d = g_() % 3 ? addr() : (g_() % 2 ? PHYS_ADDR_MAX : 0);
      static constexpr int kNids[] = {0, 1, 2, NUMA_NO_NODE, MAX_NUMNODES};
      op.nid = kNids[g_() % 5];
      op.flags = static_cast<std::uint32_t>(g_() % 16);
      op.type = g_() % 2 ? MemblockTypeId::Memory : MemblockTypeId::Reserved;
      switch (op.kind) {
        case OpKind::SetBottomUp:
        case OpKind::SetMovableNode:
        case OpKind::SetMirroredKernelcore: op.a = g_() % 2; break;
        case OpKind::TrimMemory: op.a = 0x1000ull << (g_() % 4); break;
        case OpKind::PhysAllocRange:
        case OpKind::PhysAllocTryNid:
        case OpKind::AllocTryNid:
        case OpKind::AllocTryNidRaw:
        case OpKind::AllocExactNidRaw:
        case OpKind::AllocLow:
        case OpKind::FindInRange:
          op.a = (g_() % 4) * 0x800;
          op.b = g_() % 5 == 0 ? 0 : (0x40ull << (g_() % 8));
          break;
        case OpKind::MemLimitRemoveMap:
        case OpKind::EnforceMemoryLimit: op.a = (g_() % 40) * 0x1000; break;
        case OpKind::SearchPfnNid: op.a = g_() % 70; break;
        default: break;
      }
      tr.push_back(canonical_op(op));
    }
    return tr;
  }

 private:
  std::uint64_t addr() {
    switch (g_() % 8) {
      case 0: return PHYS_ADDR_MAX - (g_() % 8) * 0x1000;
      case 1: return (g_() % 64) * 0x800;
      default: return (g_() % 64) * 0x1000;
    }
  }
  std::uint64_t size() {
    switch (g_() % 8) {
      case 0: return 0;
      case 1: return PHYS_ADDR_MAX;
      case 2: return (g_() % 16) * 0x800;
      default: return (1 + g_() % 16) * 0x1000;
    }
  }
  std::mt19937_64 g_;
};

}  // namespace
}  // namespace mbv

int main(int argc, char** argv) {
  using namespace mbv;
  if (argc != 2) {
    std::fprintf(stderr, "usage: memblock_golden_gen OUT_DIR\n");
    return 3;
  }
  auto k = open_oracle("");
  if (!k) {
    std::fprintf(stderr, "memblock_golden_gen: %s\n", k.error().to_string().c_str());
    return 3;
  }
  const std::string dir = std::string(argv[1]) + "/";
  int nfile = 0;
  std::vector<OpResult> res;
  Memblock st;

  // random_trace: traces where an array doubled, that use mirror or
  // movable_node, and plain mixed ones.
  int doubled = 0, mirror = 0, movable = 0, plain = 0;
  for (std::uint64_t seed = 1; seed < 200000 && (doubled < 4 || mirror < 2 || movable < 2 || plain < 3);
       seed++) {
    TraceGenOptions o;
    o.ops = 24;
    o.movable_node = seed % 2;
    const OpTrace tr = random_trace(seed, o);
    if (!run_kernel(*k, tr, res, st)) continue;
    if (!model_agrees(tr, res, st)) {
      std::fprintf(stderr, "memblock_golden_gen: model diverges on random_trace seed %llu\n",
                   static_cast<unsigned long long>(seed));
      return 1;
    }
    const bool dbl = st.memory.max > INIT_MEMBLOCK_REGIONS || st.reserved.max > INIT_MEMBLOCK_REGIONS;
    std::string kind;
    if (dbl && doubled < 4 && tr.size() < 400) {
      doubled++;
      kind = "doubling";
    } else if (st.system_has_some_mirror && mirror < 2 && !dbl) {
      mirror++;
      kind = "mirror";
    } else if (st.movable_node && st.memory.cnt() > 3 && movable < 2 && !dbl) {
      movable++;
      kind = "movable-node";
    } else if (!dbl && plain < 3 && st.memory.cnt() >= 4 && st.reserved.cnt() >= 3) {
      plain++;
      kind = "mixed";
    } else {
      continue;
    }
    char name[96];
    std::snprintf(name, sizeof name, "%02d-%s-seed%llu.trace", ++nfile, kind.c_str(),
                  static_cast<unsigned long long>(seed));
    write_golden(dir + name,
                 "impl/trace random_trace seed " + std::to_string(seed) + " (24 ops" +
                     (o.movable_node ? ", movable_node" : "") + ")",
                 tr, res, st);
    std::printf("%s (%zu ops)\n", name, tr.size());
  }

  // Dense traces with at least two successful allocations and a few regions.
  DenseGen gen(99);
  int dense = 0;
  for (int t = 0; t < 100000 && dense < 4; t++) {
    const OpTrace tr = gen.trace();
    if (!run_kernel(*k, tr, res, st)) continue;
    if (!model_agrees(tr, res, st)) {
      std::fprintf(stderr, "memblock_golden_gen: model diverges on dense trace %d\n", t);
      return 1;
    }
    int allocs = 0;
    for (std::size_t i = 0; i < tr.size(); i++)
      if (tr[i].kind >= OpKind::PhysAllocRange && tr[i].kind <= OpKind::AllocLow && res[i].value) allocs++;
    if (st.memory.cnt() < 4 || st.reserved.cnt() < 3 || allocs < 2) continue;
    dense++;
    char name[96];
    std::snprintf(name, sizeof name, "%02d-dense-%d.trace", ++nfile, t);
    write_golden(dir + name,
                 "dense small-address trace " + std::to_string(t) + " (every op kind, edge values)", tr,
                 res, st);
    std::printf("%s (%zu ops)\n", name, tr.size());
  }
  return 0;
}
