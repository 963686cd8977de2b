// KASLR places the kernel in immovable memory whenever the SRAT filter found any.
#include "model/z3/kaslr.h"
#include "model/z3/state.h"
#include "proofs/theorem.h"

#include <cinttypes>
#include <cstdio>

namespace mbv::proofs {

using namespace mbv::z3spec;

TheoremDef theorem_kaslr_in_immovable() {
  TheoremDef d;
  d.name = "kaslr_in_immovable";
  d.statement =
      "when the SRAT immovable list is non-empty, a non-zero find_random_phys_addr result "
      "[addr, addr + image) lies inside one immovable range (bounded: N e820 RAM candidates, "
      "N immovable ranges, one avoid region)";
  d.policy = "kaslr";
  d.why = "process_mem_region only ever processes candidate ∩ immovable when the list is non-empty (8.6)";
  d.bound_unit = "candidates and immovable ranges";
  d.default_bound = 1;
  d.ci_bound = 1;
  d.expected = Verdict::Proved;
  // UNKNOWN(timeout) at bound 1 within 60 s on the development machine.
  d.default_set = false;
  d.mutants = {Mutant::KaslrIgnoresImmovable};
  d.build = [](z3::context& c, unsigned n, Mutant mut) {
    KaslrInput in = fresh_kaslr_input(c, n, n);
    z3::expr addr = find_random_phys_addr(in, mut);
    ProofBody body{kaslr_input_ok(in) && z3::ugt(in.immovable_cnt, cnt_val(c, 0)), {}, {}, {}, {}};
    body.obligations = {
        {"The kernel image lies inside one immovable range",
         z3::implies(addr != addr_val(c, 0), inside_immovable(in, addr))},
    };
    body.minimize = {in.image, addr};
    KaslrInput k = in;
    body.witness = [k, addr](const z3::model& m, const std::string& ob) {
      Witness w;
      char buf[200];
      std::string s;
      for (const auto& r : k.candidates) {
        std::snprintf(buf, sizeof buf, "  e820 RAM [mem 0x%016" PRIx64 "-0x%016" PRIx64 "]\n",
                      eval_u64(m, r.start), eval_u64(m, r.end) - 1);
        s += buf;
      }
      std::uint64_t cnt = eval_u64(m, k.immovable_cnt);
      for (unsigned j = 0; j < k.immovable.size() && j < cnt; ++j) {
        std::snprintf(buf, sizeof buf, "  SRAT immovable [mem 0x%016" PRIx64 "-0x%016" PRIx64 "]\n",
                      eval_u64(m, k.immovable[j].start), eval_u64(m, k.immovable[j].end) - 1);
        s += buf;
      }
      std::snprintf(buf, sizeof buf,
                    "  image 0x%" PRIx64 ", minimum 0x%" PRIx64 ", mem_limit 0x%" PRIx64
                    ", chosen 0x%" PRIx64 "\n",
                    eval_u64(m, k.image), eval_u64(m, k.minimum), eval_u64(m, k.mem_limit),
                    eval_u64(m, addr));
      w.example = s + buf;
      w.reproducer = "# " + ob + "\n# Z3 counterexample for find_random_phys_addr\n";
      for (size_t i = 0; i < w.example.size();) {
        size_t j = w.example.find('\n', i);
        w.reproducer += "#" + w.example.substr(i, j - i) + "\n";
        i = j + 1;
      }
      w.extension = ".machine";
      return w;
    };
    return body;
  };
  return d;
}

}  // namespace mbv::proofs
