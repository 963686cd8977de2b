#include "proofs/run.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <unordered_set>
#include <vector>

namespace mbv::proofs {

namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Greedy roundness, then lexicographic minimisation with z3::optimize.
// Falls back to `fallback` when the optimiser gives up (resource limit).
// The limit is Z3's rlimit, not a clock: the same witness on any machine
// however loaded, and no interrupt from another thread, which libz3 4.8.12's
// optimize did not survive (a segfault in about 1 of 8 runs of
// OpCounterexample.*, found by make prop-sweep).
z3::model minimise(z3::context& c, const z3::expr& query, const ProofBody& body,
                   unsigned rlimit, const z3::model& fallback) {
  try {
    z3::optimize opt(c);
    z3::params p(c);
    p.set("rlimit", rlimit);
    opt.set(p);
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

// The conjuncts of f (nested conjunctions flattened).
void flatten_and(const z3::expr& f, std::vector<z3::expr>& out) {
  if (f.is_app() && f.decl().decl_kind() == Z3_OP_AND) {
    for (unsigned i = 0; i < f.num_args(); ++i) flatten_and(f.arg(i), out);
    return;
  }
  out.push_back(f);
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
    for (const Obligation& ob : body.obligations) ++(ob.hint ? o.hints : o.obligations);
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
    z3::expr proven_hints = c.bool_val(true);  // hypotheses: only hints Z3 proved
    std::vector<std::string> broken_chains;
    // conjuncts established so far (preconditions, proved hints), by AST id
    std::unordered_set<unsigned> known;
    {
      std::vector<z3::expr> parts;
      flatten_and(body.pre, parts);
      for (const z3::expr& p : parts) known.insert(p.id());
    }
    for (const Obligation& ob : body.obligations) {
      if (ob.hint && !ob.chain.empty() &&
          std::find(broken_chains.begin(), broken_chains.end(), ob.chain) != broken_chains.end())
        continue;
      z3::expr query = ob.lemma ? !ob.goal : body.pre && proven_hints && !ob.goal;
      auto tq = std::chrono::steady_clock::now();
      z3spec::CheckResult r = z3spec::check(c, query, co, o.stats);
      o.obligation_seconds.emplace_back(ob.name, since(tq));
      if (ob.hint) {
        if (r.verdict == Verdict::Proved) {
          ++o.hints_proved;
          z3::expr fact = ob.goal;
          if (!ob.instance.empty()) {
            z3::expr_vector from(c), to(c);
            for (const auto& [k, term] : ob.instance) {
              from.push_back(k);
              to.push_back(term);
            }
            fact = fact.substitute(from, to);
            // modus ponens on established premises
            if (fact.is_app() && fact.decl().decl_kind() == Z3_OP_IMPLIES) {
              std::vector<z3::expr> premises;
              flatten_and(fact.arg(0), premises);
              bool all = true;
              for (const z3::expr& p : premises) all = all && (p.is_true() || known.count(p.id()));
              if (all) {
                fact = fact.arg(1);
                ++o.hints_chained;
              }
            }
          }
          std::vector<z3::expr> parts;
          flatten_and(fact, parts);
          for (const z3::expr& p : parts) known.insert(p.id());
          proven_hints = proven_hints && fact;
        } else if (!ob.chain.empty()) {
          broken_chains.push_back(ob.chain);
        }
        continue;
      }
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
          m = minimise(c, query, body, opts.minimize_rlimit, m);
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
