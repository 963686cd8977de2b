// The executable specification of Linux 6.1 memblock: one include for tests,
// fuzzers and the differential engine.
//
//   check_state(mb)                       canonical form + iterator laws
//   check_step(before, op, result, after) every relation of one operation
//   spec_apply(SpecState&, op)            the meaning-level state machine
//   TraceCheck::run(trace)                check_step on every step of a trace
#pragma once

#include "model/spec/law_memo.h"
#include "model/spec/meaning.h"
#include "model/spec/spec_state.h"
#include "model/spec/state_checks.h"
#include "model/spec/step_checks.h"
#include "model/spec/trace_check.h"
#include "model/spec/violation.h"
