#include "proofs/run.h"

#include <chrono>
#include <filesystem>
#include <fstream>

namespace mbv::proofs {

namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Greedy roundness, then lexicographic minimisation with z3::optimize.
// Falls back to `fallback` when the optimiser gives up (time limit).
z3::model minimise(z3::context& c, const z3::expr& query, const ProofBody& body,
                   unsigned timeout_ms, const z3::model& fallback) {
  try {
    z3::optimize opt(c);
    z3spec::InterruptAfter deadline(c, timeout_ms);  // not Z3's "timeout": see verdict.h
    opt.add(query);
    for (const z3::expr& r : body.round) {
      opt.push();
      opt.add(r);
      if (opt.check() != z3::sat) opt.pop();
    }
    for (const z3::expr& e : body.minimize) opt.minimize(e);
    if (opt.check() == z3::sat) return opt.get_model();
  } catch (const z3::exception&) {
    // keep the unminimised model
  }
  return fallback;
}

}  // namespace

Outcome run_theorem(const TheoremDef& def, const RunOptions& opts) {
  auto t0 = std::chrono::steady_clock::now();
  Outcome o;
  o.theorem = def.name;
  o.bound = opts.bound ? opts.bound : def.default_bound;
  o.expected = opts.mutant == Mutant::None ? def.expected : Verdict::Counterexample;
  z3::context c;
  z3spec::CheckOptions co{opts.timeout_ms};
  try {
    ProofBody body = def.build(c, o.bound, opts.mutant);
    o.obligations = static_cast<unsigned>(body.obligations.size());
    // Vacuity: a proof under unsatisfiable preconditions proves nothing.
    z3spec::CheckResult pre = z3spec::check(c, body.pre, co, o.stats);
    if (pre.verdict == Verdict::Proved) {
      o.verdict = Verdict::Invalid;
      o.reason = "vacuous: the preconditions are unsatisfiable";
      o.seconds = since(t0);
      return o;
    }
    if (pre.verdict != Verdict::Counterexample) {
      o.verdict = pre.verdict;
      o.reason = "precondition check: " + pre.reason;
      o.failed_obligation = "preconditions are satisfiable";
      o.seconds = since(t0);
      return o;
    }
    o.verdict = Verdict::Proved;
    for (const Obligation& ob : body.obligations) {
      z3::expr query = ob.lemma ? !ob.goal : body.pre && !ob.goal;
      z3spec::CheckResult r = z3spec::check(c, query, co, o.stats);
      if (r.verdict == Verdict::Proved) {
        ++o.checked;
        continue;
      }
      o.verdict = r.verdict;
      o.reason = r.reason;
      o.failed_obligation = ob.name;
      if (r.verdict == Verdict::Counterexample && r.model) {
        z3::model m = *r.model;
        if (opts.minimize) {
          auto tm = std::chrono::steady_clock::now();
          m = minimise(c, query, body, opts.minimize_timeout_ms, m);
          o.minimize_seconds = since(tm);
        }
        if (body.witness) {
          o.witness = body.witness(m, ob.name);
          if (!opts.reproducer_dir.empty() && !o.witness->reproducer.empty()) {
            std::filesystem::create_directories(opts.reproducer_dir);
            std::string file = def.name + "-n" + std::to_string(o.bound);
            if (opts.mutant != Mutant::None)
              file += "-" + std::string(z3spec::mutant_name(opts.mutant));
            std::filesystem::path path =
                std::filesystem::path(opts.reproducer_dir) / (file + o.witness->extension);
            std::ofstream out(path);
            out << o.witness->reproducer;
            if (out) o.reproducer_path = path.string();
          }
        }
      }
      break;
    }
  } catch (const z3::exception& e) {
    o.verdict = Verdict::Invalid;
    o.reason = std::string("z3: ") + e.msg();
  }
  o.seconds = since(t0);
  return o;
}

std::string format_counterexample(const Outcome& o) {
  std::string s;
  s += o.theorem + " (bound " + std::to_string(o.bound) + "): " +
       std::string(z3spec::verdict_name(o.verdict)) + "\n";
  if (!o.failed_obligation.empty()) s += "  " + o.failed_obligation + " fails.\n";
  if (o.witness) {
    s += "Example:\n" + o.witness->example;
    if (o.witness->replays) {
      s += *o.witness->replays ? "Replay on impl/memblock: the violation shows there too"
                               : "Replay on impl/memblock: NO violation there (spec/model bug)";
      if (!o.witness->replay_note.empty()) s += " (" + o.witness->replay_note + ")";
      s += "\n";
    }
  }
  if (!o.reproducer_path.empty()) s += "Reproducer: " + o.reproducer_path + "\n";
  return s;
}

}  // namespace mbv::proofs
