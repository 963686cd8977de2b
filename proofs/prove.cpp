#include "proofs/prove.h"

#include <atomic>
#include <chrono>
#include <thread>

namespace mbv::proofs {

unsigned ProveReport::count(Verdict v) const {
  unsigned n = 0;
  for (const auto& o : outcomes) n += o.verdict == v;
  return n;
}

int ProveReport::exit_code() const {
  bool wrong = false, unknown = false;
  for (const auto& o : outcomes) {
    if (o.as_expected()) continue;
    switch (o.verdict) {
      case Verdict::Proved:
      case Verdict::Counterexample: wrong = true; break;
      case Verdict::UnknownTimeout:
      case Verdict::UnknownOther:
      case Verdict::Invalid:
      case Verdict::Skipped: unknown = true; break;
    }
  }
  return wrong ? 1 : unknown ? 2 : 0;
}

Result<ProveReport> prove(const ProveOptions& opts) {
  std::vector<TheoremDef> all = all_theorems(), chosen;
  if (opts.theorems.empty()) {
    for (const auto& t : all)
      if (t.default_set) chosen.push_back(t);
  } else {
    for (const auto& name : opts.theorems) {
      auto t = find_theorem(name);
      if (!t) {
        std::string known;
        for (const auto& d : all) known += (known.empty() ? "" : ", ") + d.name;
        return make_error(ErrorCode::BadInput,
                          "unknown theorem '" + name + "' (known: " + known + ")");
      }
      chosen.push_back(*t);
    }
  }
  RunOptions ro;
  ro.bound = opts.bound;
  ro.timeout_ms = opts.timeout_s * 1000;
  ro.mutant = opts.mutant;
  ro.minimize = opts.minimize;
  ro.reproducer_dir = opts.out_dir;

  auto t0 = std::chrono::steady_clock::now();
  ProveReport rep;
  rep.outcomes.resize(chosen.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < chosen.size();)
      rep.outcomes[i] = run_theorem(chosen[i], ro);
  };
  unsigned jobs = std::max(1u, std::min<unsigned>(opts.jobs, chosen.size()));
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace mbv::proofs
