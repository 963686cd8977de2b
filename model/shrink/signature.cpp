// Signatures from invariant reports (see signature.h).
#include "model/shrink/signature.h"

namespace mbv {

std::string signature_string(const ViolationSignature& s) {
  return s.property + "/" + s.policy + "/" + s.owner + "/" + s.nodes;
}

std::optional<ViolationSignature> parse_signature(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = text.find('/', start);
    parts.emplace_back(text.substr(start, slash == std::string_view::npos ? std::string_view::npos
                                                                           : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() != 4 || parts[0].empty()) return std::nullopt;
  return ViolationSignature{parts[0], parts[1], parts[2], parts[3]};
}

namespace {

ViolationSignature from_result(const InvariantReport& rep, const InvariantResult& r) {
  const Violation& v = r.violations.front();
  ViolationSignature s;
  s.property = r.name;
  s.policy = rep.policy;
  if (v.event) s.owner = std::string(owner_name(v.event->owner));
  s.nodes = v.nodes;
  return s;
}

// [start, end) is covered by the table's RAM and reserved-kernel entries.
bool covered_by_ram(const std::vector<E820Entry>& table, std::uint64_t start, std::uint64_t end) {
  std::uint64_t at = start;
  for (bool grew = true; grew && at < end;) {
    grew = false;
    for (const E820Entry& e : table) {
      if (e.type != E820Type::RAM && e.type != E820Type::RESERVED_KERN) continue;
      if (e.addr <= at && at < e.addr + e.size) {
        at = e.addr + e.size;
        grew = true;
      }
    }
  }
  return at >= end;
}

bool violated(const InvariantResult& r) {
  return (r.verdict == InvariantVerdict::Finding || r.verdict == InvariantVerdict::Failure) &&
         !r.violations.empty();
}

}  // namespace

std::optional<ViolationSignature> signature_of(const InvariantReport& rep, std::string_view property) {
  if (property.empty()) return rep.signature();
  for (const InvariantResult& r : rep.results)
    if (r.name == property && violated(r)) return from_result(rep, r);
  return std::nullopt;
}

std::vector<ViolationSignature> all_signatures(const InvariantReport& rep) {
  std::vector<ViolationSignature> out;
  for (const InvariantResult& r : rep.results)
    if (violated(r)) out.push_back(from_result(rep, r));
  return out;
}

Result<Judgement> judge_scenario(const Scenario& s, std::string_view property, const BootOptions& opt) {
  auto st = run_boot(s, opt);
  if (!st) return st.error();
  const InvariantReport rep = check_invariants(*st);
  Judgement j;
  j.overall = rep.overall();
  j.panicked = st->panic.has_value();
  j.srat_used = st->numa.method == NumaMethod::AcpiSrat;
  j.kernel_in_ram = covered_by_ram(st->e820_firmware.entries, st->kernel.text, st->kernel.end);
  j.signature = signature_of(rep, property);
  if (j.signature) {
    for (const InvariantResult& r : rep.results)
      if (r.name == j.signature->property) j.property_verdict = r.verdict;
  }
  return j;
}

ExpectedVerdict expected_verdict_of(const Judgement& j) {
  switch (j.overall) {
    case InvariantVerdict::Failure: return ExpectedVerdict::Failure;
    case InvariantVerdict::Finding: return ExpectedVerdict::Finding;
    case InvariantVerdict::Holds:
    case InvariantVerdict::NotApplicable: return ExpectedVerdict::Ok;
  }
  return ExpectedVerdict::Ok;
}

}  // namespace mbv
