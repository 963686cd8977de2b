// Specifications of the memblock operations as relations between the meaning
// of the state before and after (boot-memory-path 11.1 items 2-6). Each is a
// formula over one free address `a`: proving it for a fresh `a` proves it for
// every address. Coverage and attributes are separate so a proof reports
// which one failed.
#pragma once

#include <z3++.h>

#include "model/z3/state.h"

namespace mbv::z3spec {

struct Relation {
  z3::expr coverage;    // covered_after(a) as specified
  z3::expr attributes;  // (nid, flags) of every covered address as specified
};

// [base, base + memblock_cap_size(base, size)) contains a: the request, capped
// at the top of the address space (I8).
z3::expr in_request(const z3::expr& a, const z3::expr& base, const z3::expr& size);

// Isolate and merge: no address changes its meaning.
Relation same_meaning(const SymType& before, const SymType& after, const z3::expr& a);

// Add: new coverage = old + request; old addresses keep their attributes,
// newly covered ones get (nid, flags).
Relation add_relation(const SymType& before, const SymType& after, const z3::expr& base,
                      const z3::expr& size, const z3::expr& nid, const z3::expr& flags,
                      const z3::expr& a);

// Remove / free: new coverage = old minus request; the rest keeps its attributes.
Relation remove_relation(const SymType& before, const SymType& after, const z3::expr& base,
                         const z3::expr& size, const z3::expr& a);

// Setclr: coverage and nid unchanged; inside the request the flag bit is set
// (cleared); everything else unchanged.
Relation setclr_relation(const SymType& before, const SymType& after, const z3::expr& base,
                         const z3::expr& size, bool set, const z3::expr& flag,
                         const z3::expr& a);

// Set_node: coverage and flags unchanged; nid = requested inside the request.
Relation set_node_relation(const SymType& before, const SymType& after, const z3::expr& base,
                           const z3::expr& size, const z3::expr& nid, const z3::expr& a);

// After -ENOMEM nothing changes: the same meaning and the same region list.
z3::expr unchanged(const SymType& before, const SymType& after);

// No region crosses x (x is the base of a region or outside every region's interior).
z3::expr no_region_crosses(const SymType& t, const z3::expr& x);

}  // namespace mbv::z3spec
