// Judging and telling memblock-spec scenarios (see op_story.h).
#include "model/story/op_story.h"

#include <cctype>

#include "model/shrink/reproducer.h"
#include "model/spec/step_checks.h"

namespace mbv {

namespace {

std::string slug(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

}  // namespace

bool is_op_scenario(const Scenario& s) { return s.finding && s.finding->property == kMemblockSpecProperty; }

OpJudgement judge_op_scenario(const Scenario& s, const OpStep& step) {
  OpJudgement j;
  Memblock mb;
  std::string& out = j.text;
  out += "-- ops on an empty memblock, each step checked by model/spec --\n";
  for (std::size_t i = 0; i < s.ops.size(); ++i) {
    const Op& op = s.ops[i];
    const Memblock before = mb;
    const OpResult res = step ? step(mb, op) : apply_op(mb, op);
    std::string gap;
    const spec::Check c = spec::check_step(before, op, res, mb, &gap);
    out += (c ? ">> " : "   ") + std::to_string(i) + ": " + to_string(op) + " = " + std::to_string(res.value) +
           (gap.empty() ? "" : "  (6.1 gap, no prediction: " + gap + ")") + "\n";
    if (!c) continue;
    j.signature = ViolationSignature{std::string(kMemblockSpecProperty), "memblock", std::string(op_kind_name(op.kind)),
                                     slug(c->property)};
    j.op_index = i;
    j.violation = c->to_string();
    out += "\n-- before op " + std::to_string(i) + " --\n" + before.dump() + "\n-- after --\n" + mb.dump() +
           "\n-- verdict --\nFAILURE: " + j.violation + "\n";
    return j;
  }
  out += "\n-- state after the last op --\n" + mb.dump() + "\n-- verdict --\nevery step meets the specification\n";
  return j;
}

}  // namespace mbv
