// Scaling table for `mbverify prove`: every theorem (or the ones named on the
// command line) at each bound, one fresh z3::context per run, wall seconds.
//   bench_proofs [--bounds 4,8,16,32,64] [--timeout S] [--budget S] [--goal S]
//                [--obligations] [theorem...]
// --obligations also prints the seconds of every obligation checked.
// "goal" is seconds / the goal (default 10 s: merge_keeps_attributes at N=64
// must decide within it); below 1.00 meets the goal.
// A run that exceeds --timeout per query prints its UNKNOWN verdict; once a
// theorem takes longer than --budget seconds, its larger bounds are skipped.
// Solver times are printed, never asserted (numbers belong in bench/).
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "proofs/run.h"
#include "proofs/theorem.h"

int main(int argc, char** argv) {
  std::vector<unsigned> bounds = {4, 8, 16, 32, 64};
  unsigned timeout_s = 60;
  double budget = 30;
  double goal = 10;
  bool per_obligation = false;
  std::vector<std::string> names;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--bounds" && i + 1 < argc) {
      bounds.clear();
      std::stringstream ss(argv[++i]);
      for (std::string x; std::getline(ss, x, ',');) bounds.push_back(std::stoul(x));
    } else if (a == "--timeout" && i + 1 < argc) {
      timeout_s = std::stoul(argv[++i]);
    } else if (a == "--budget" && i + 1 < argc) {
      budget = std::stod(argv[++i]);
    } else if (a == "--goal" && i + 1 < argc) {
      goal = std::stod(argv[++i]);
    } else if (a == "--obligations") {
      per_obligation = true;
    } else {
      names.push_back(a);
    }
  }
  std::printf("%-36s %5s  %-16s %8s %6s %8s  %s\n", "theorem", "bound", "verdict", "seconds",
              "goal", "minimize", "obligations(unsat/total) queries");
  for (const auto& t : mbv::proofs::all_theorems()) {
    if (!names.empty() && std::find(names.begin(), names.end(), t.name) == names.end()) continue;
    for (unsigned n : bounds) {
      mbv::proofs::RunOptions o;
      o.bound = n;
      o.timeout_ms = timeout_s * 1000;
      auto r = mbv::proofs::run_theorem(t, o);
      std::printf("%-36s %5u  %-16s %8.2f %6.2f %8.2f  %u/%u %u\n", t.name.c_str(), n,
                  std::string(mbv::z3spec::verdict_name(r.verdict)).c_str(), r.seconds,
                  r.seconds / goal, r.minimize_seconds, r.checked, r.obligations,
                  r.stats.queries);
      if (r.hints)
        std::printf("    hints: %u proved of %u, %u by modus ponens\n", r.hints_proved, r.hints,
                    r.hints_chained);
      if (per_obligation)
        for (const auto& [ob, sec] : r.obligation_seconds)
          std::printf("    %8.2f  %s\n", sec, ob.c_str());
      std::fflush(stdout);
      if (r.seconds > budget || (r.verdict != mbv::z3spec::Verdict::Proved &&
                                 r.verdict != mbv::z3spec::Verdict::Counterexample))
        break;
    }
  }
  return 0;
}
